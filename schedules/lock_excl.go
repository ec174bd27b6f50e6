//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package schedules

import (
	"errors"
	"io/fs"
	"os"
)

// releasedOnExit says the kernel drops the lock when its holder dies.
const releasedOnExit = false

// lockFile creates path exclusively. A process that dies holding it
// leaves the file behind; the ErrLocked error names it and its pid.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, ErrLocked
	}
	return f, err
}

// unlockFile closes and removes the lock file.
func unlockFile(f *os.File) error {
	return errors.Join(f.Close(), os.Remove(f.Name()))
}
