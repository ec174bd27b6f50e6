package registry

import (
	"errors"
	"fmt"
	"syscall"

	"modernc.org/sqlite"
)

// SQLite result codes (the low byte of extended codes).
const (
	sqliteIOErr = 10
	sqliteFull  = 13
)

// ErrNoSpace marks an operation that failed because the workspace's file
// system is full. SQLite reports it as SQLITE_FULL or, while growing its
// shared-memory or WAL files, as an I/O error ("disk I/O error (4874)");
// an I/O error counts when the file system has less than lowSpace free.
var ErrNoSpace = errors.New("no space left on device")

// lowSpace is the free space under which a SQLite I/O error is taken for
// a full disk.
const lowSpace = 4 << 20

// diskError wraps err with ErrNoSpace, naming the workspace, when it comes
// from a full file system; other errors are returned as they are.
func diskError(err error, dir string) error {
	if err == nil || errors.Is(err, ErrNoSpace) {
		return err
	}
	full := errors.Is(err, syscall.ENOSPC)
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteFull:
			full = true
		case sqliteIOErr:
			free, ok := freeSpace(dir)
			full = ok && free < lowSpace
		}
	}
	if !full {
		return err
	}
	return fmt.Errorf("%w in %s: %w", ErrNoSpace, dir, err)
}
