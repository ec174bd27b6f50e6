package model

import "errors"

// Sentinel errors. Match them with errors.Is; messages are for people.
var (
	// ErrCorrupt reports a model file that is truncated, malformed or
	// inconsistent with itself. Checksum mismatches match it too.
	ErrCorrupt = errors.New("corrupt model file")

	// ErrChecksum reports a model file whose bytes do not match a recorded
	// SHA-256 checksum (the embedded refit.sha256 or the .sha256 sidecar).
	ErrChecksum = errors.New("checksum mismatch")

	// ErrInvalidInput reports a bad argument: an inconsistent Spec, layers
	// that do not chain, or a record whose columns do not match the
	// preprocessing (missing column, wrong type, changed time zone).
	ErrInvalidInput = errors.New("invalid input")
)
