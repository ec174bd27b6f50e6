package evaluate

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Error classes; test with errors.Is.
var (
	// ErrInvalidInput: mismatched lengths, empty input, labels outside the
	// task's range, probabilities outside [0, 1].
	ErrInvalidInput = errors.New("invalid input")
	// ErrInvalidPolicy: a gate policy failed to decode or validate.
	ErrInvalidPolicy = errors.New("invalid gate policy")
	// ErrNoRows: no labelled rows were left to evaluate (Compare).
	ErrNoRows = errors.New("no rows to evaluate")
)

// Label is any numeric label type: binary labels must be 0 or 1, multiclass
// labels integers in [0, k), regression targets any finite number.
type Label interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~float32 | ~float64
}

// Task is the kind of model being evaluated.
type Task string

// Tasks.
const (
	TaskBinary     Task = "binary"
	TaskMulticlass Task = "multiclass"
	TaskRegression Task = "regression"
)

// Metric names, as used in Result.Metrics and gate policies.
const (
	Accuracy   = "accuracy"
	Precision  = "precision"
	Recall     = "recall"
	F1         = "f1"
	AUC        = "auc"
	PRAUC      = "pr_auc"
	LogLoss    = "logloss"
	Brier      = "brier"
	ECE        = "ece"
	MacroF1    = "macro_f1"
	WeightedF1 = "weighted_f1"
	RMSE       = "rmse"
	MAE        = "mae"
	R2         = "r2"
	MAPE       = "mape"
)

// metricInfo says which way is better and the metric's possible range.
type metricInfo struct {
	higherIsBetter bool
	lo, hi         float64
}

var metrics = map[string]metricInfo{
	Accuracy: {true, 0, 1}, Precision: {true, 0, 1}, Recall: {true, 0, 1}, F1: {true, 0, 1},
	AUC: {true, 0, 1}, PRAUC: {true, 0, 1}, MacroF1: {true, 0, 1}, WeightedF1: {true, 0, 1},
	LogLoss: {false, 0, math.Inf(1)}, Brier: {false, 0, 1}, ECE: {false, 0, 1},
	RMSE: {false, 0, math.Inf(1)}, MAE: {false, 0, math.Inf(1)}, MAPE: {false, 0, math.Inf(1)},
	R2: {true, math.Inf(-1), 1},
	// Costs (see Cost.Metrics), overall only.
	CostBytes: {false, 0, math.Inf(1)}, CostTensorBytes: {false, 0, math.Inf(1)}, CostParams: {false, 0, math.Inf(1)},
	CostNonzeros: {false, 0, math.Inf(1)}, CostLatencyP50: {false, 0, math.Inf(1)},
	CostLatencyP99: {false, 0, math.Inf(1)}, CostRowsPerSec: {true, 0, math.Inf(1)},
	CostE2ERowsPerSec: {true, 0, math.Inf(1)},
}

// HigherIsBetter reports whether larger values of the named metric are
// better, and whether the metric is known.
func HigherIsBetter(metric string) (higher, known bool) {
	m, ok := metrics[metric]
	return m.higherIsBetter, ok
}

// put stores v in m unless it is NaN: undefined metrics (the AUC of a
// one-class sample, say) are absent from metric maps, which keeps them
// JSON-encodable.
func put(m map[string]float64, name string, v float64) {
	if !math.IsNaN(v) {
		m[name] = v
	}
}

func checkLen(a, b int) error {
	if a != b {
		return fmt.Errorf("%w: %d labels, %d predictions", ErrInvalidInput, a, b)
	}
	if a == 0 {
		return fmt.Errorf("%w: no rows", ErrInvalidInput)
	}
	return nil
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortStrings(s []string) []string {
	slices.Sort(s)
	return s
}
