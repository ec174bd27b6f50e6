package evaluate

// LineageLabel is the model.Spec.Lineage key that holds the label
// expression (or column) a model was trained on. Score uses it when
// ScoreOptions.Label is empty.
const LineageLabel = "label"

// invalidLabel is a label error of package model (wrapping
// model.ErrInvalidInput) that matches ErrInvalidInput too, as every input
// error of this package does; its message is unchanged.
type invalidLabel struct{ error }

func (e invalidLabel) Is(target error) bool { return target == ErrInvalidInput }

func (e invalidLabel) Unwrap() error { return e.error }
