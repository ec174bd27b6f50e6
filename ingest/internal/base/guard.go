package base

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Source is what a decoder reads from: random access to Size bytes.
type Source interface {
	io.ReaderAt
	Size() int64
}

// OpenConfig is everything a decoder needs besides the bytes.
type OpenConfig struct {
	Path   string
	Limits Limits // with defaults applied
	Mem    memory.Allocator
}

// Guard runs fn, the only way ingest calls into third-party decoders. A panic
// in fn becomes an error that wraps ErrCorrupt and names path; an error from
// fn is wrapped in a *FileError naming path. This is the single recovery
// point for untrusted input. A panic with an error wrapping ErrAllocLimit
// (an allocator's safety net) becomes its limit error.
func Guard(path string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && errors.Is(e, ErrAllocLimit) {
				err = &FileError{Path: path, RowGroup: -1, Err: fmt.Errorf("%w: %w", ErrCorrupt, e)}
				return
			}
			err = &FileError{Path: path, RowGroup: -1, Err: fmt.Errorf("%w: decoder panicked: %v", ErrCorrupt, r)}
			if DebugPanics {
				err = fmt.Errorf("%w\n%s", err, debug.Stack())
			}
		}
	}()
	return FileErr(path, fn())
}

// DebugPanics adds the stack of a recovered panic to the error; tests flip it
// when hunting a decoder bug.
var DebugPanics = false

// ErrAllocLimit marks an allocation refused by an allocator's safety net
// (ipcdec's limit allocator): a check in a decoder is missing.
var ErrAllocLimit = errors.New("allocation refused")
