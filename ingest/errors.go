package ingest

import "github.com/refit-ml/refit/ingest/internal/base"

// Error classes. Every error that ingest returns about input wraps one of them.
var (
	// ErrCorrupt means a file's bytes are malformed, truncated or
	// inconsistent: the file cannot be trusted.
	ErrCorrupt = base.ErrCorrupt
	// ErrUnsupported means a file is well formed but uses a feature refit
	// cannot read.
	ErrUnsupported = base.ErrUnsupported
	// ErrInvalidInput means the request cannot be served: a missing file, an
	// unknown format, a source matching nothing, incompatible schemas or an
	// unknown column.
	ErrInvalidInput = base.ErrInvalidInput
	// ErrLimit means a file claims more memory than Limits allow. It is
	// reported together with ErrCorrupt.
	ErrLimit = base.ErrLimit
)

// FileError is an error about one file, and where known, one row group and
// one column of it: the path, the row group or batch (-1 when not about
// one), the column ("" when not about one) and the error, which Unwrap
// returns.
type FileError = base.FileError
