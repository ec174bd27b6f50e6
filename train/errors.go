package train

import (
	"errors"
	"fmt"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrInvalidConfig reports a Config that fails Validate.
	ErrInvalidConfig = errors.New("invalid training config")
	// ErrInvalidData reports data Fit cannot learn from: a missing column,
	// a missing label, too few rows or classes, a label type that does not
	// fit the task.
	ErrInvalidData = errors.New("invalid training data")
	// ErrDiverged reports a loss that became NaN or infinite (try a smaller
	// learning rate).
	ErrDiverged = errors.New("training diverged")
	// errGorgonia wraps a panic raised inside gorgonia.
	errGorgonia = errors.New("gorgonia panicked")
)

// guard runs fn, which calls into gorgonia, and turns a panic (gorgonia
// panics on shape errors) into an error. It is the one place train
// recovers.
func guard(doing string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("train: %s: %w: %v", doing, errGorgonia, r)
		}
	}()
	if err := fn(); err != nil {
		return fmt.Errorf("train: %s: %w", doing, err)
	}
	return nil
}
