package base

import (
	"errors"
	"fmt"
	"strings"
)

// Error classes. Every error that ingest returns about input wraps one of them.
var (
	// ErrCorrupt means a file's bytes are malformed, truncated or
	// inconsistent: the file cannot be trusted.
	ErrCorrupt = errors.New("corrupt file")
	// ErrUnsupported means a file is well formed but uses a feature refit
	// cannot read.
	ErrUnsupported = errors.New("unsupported")
	// ErrInvalidInput means the request cannot be served: a missing file, an
	// unknown format, a source matching nothing, incompatible schemas or an
	// unknown column.
	ErrInvalidInput = errors.New("invalid input")
	// ErrLimit means a file claims more memory than Limits allow. It is
	// reported together with ErrCorrupt.
	ErrLimit = errors.New("exceeds limit")
)

// FileError is an error about one file, and where known, one row group and
// one column of it.
type FileError struct {
	Path     string
	RowGroup int    // -1 when not about one row group or batch
	Column   string // "" when not about one column
	Err      error
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString("ingest ")
	b.WriteString(e.Path)
	if e.RowGroup >= 0 {
		fmt.Fprintf(&b, ": row group %d", e.RowGroup)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, ": column %q", e.Column)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }

// FileErr wraps err as a *FileError for path unless it already is one.
func FileErr(path string, err error) error {
	if err == nil {
		return nil
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	return &FileError{Path: path, RowGroup: -1, Err: err}
}

// Corruptf returns an error that wraps ErrCorrupt.
func Corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// Limitf returns an error that wraps ErrCorrupt and ErrLimit.
func Limitf(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", ErrCorrupt, ErrLimit, fmt.Sprintf(format, args...))
}
