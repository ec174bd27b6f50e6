package registry

import "errors"

// Error classes. Every error returned by the package wraps at most one of
// these, with context: "registry: promote v0003 to champion: gate not passed".
var (
	// ErrNotFound: the version, alias, run or history entry does not exist.
	ErrNotFound = errors.New("not found")
	// ErrGateNotPassed: a promotion was refused because the version's gate
	// verdict is failed or missing and the promotion was not forced.
	ErrGateNotPassed = errors.New("gate not passed")
	// ErrCorrupt: an artifact is missing, has the wrong size or its SHA-256
	// does not match the catalog, or the catalog itself is inconsistent.
	ErrCorrupt = errors.New("corrupt")
	// ErrInvalidInput: the request is malformed (bad alias name, Force
	// without Reason, artifact name with a path separator, ...).
	ErrInvalidInput = errors.New("invalid input")
)
