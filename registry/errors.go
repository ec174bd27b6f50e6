package registry

import (
	"errors"
	"fmt"
)

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
	// ErrNoWorkspace: Open with MustExist found no catalog at the path.
	ErrNoWorkspace = errors.New("no workspace")
)

// AliasMovedError is returned by CommitRun when the alias no longer points
// at the version the run's candidate was gated against: an operator
// promoted or rolled back while the run was working. It wraps
// ErrAliasMoved.
type AliasMovedError struct {
	Alias    string
	Expected string // "" when the alias did not exist
	Current  string // "" when the alias does not exist
}

// ErrAliasMoved is wrapped by AliasMovedError.
var ErrAliasMoved = errors.New("alias moved")

func (e *AliasMovedError) Error() string {
	return fmt.Sprintf("%s: %s points at %s, the run was gated against %s", ErrAliasMoved, e.Alias, orNone(e.Current), orNone(e.Expected))
}

// Unwrap returns ErrAliasMoved.
func (e *AliasMovedError) Unwrap() error { return ErrAliasMoved }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
