package profile

import "errors"

// Error classes; test with errors.Is.
var (
	// ErrSchemaMismatch: a record or profile does not match the profile's schema.
	ErrSchemaMismatch = errors.New("schema mismatch")
	// ErrUnsupported: an Arrow array type the profile cannot read.
	ErrUnsupported = errors.New("unsupported type")
	// ErrCorrupt: a saved profile cannot be decoded.
	ErrCorrupt = errors.New("corrupt profile")
)
