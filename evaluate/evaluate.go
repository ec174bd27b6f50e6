package evaluate

import (
	"fmt"
	"slices"
)

// Slice is a named subset of the evaluated rows, by row index. Slices come
// from validate's slice expressions or automatic slices; rows may overlap
// between slices.
type Slice struct {
	Name string
	Rows []int
}

// Options configure Evaluate. The zero value evaluates a binary model at
// threshold 0.5 without slices or bootstrap.
type Options struct {
	// Threshold is the binary decision threshold. Defaults to 0.5.
	Threshold float64
	// Classes is the number of classes of a multiclass model (required).
	Classes int
	// Slices are evaluated one by one into Result.Slices.
	Slices []Slice
	// Headline is the metric of the bootstrap interval (binary only).
	// Defaults to auc; no interval is computed when Bootstrap is nil.
	Headline  string
	Bootstrap *BootstrapOptions
	// Curves adds Result.Curves (binary models): the confusion matrix,
	// ROC, precision-recall and reliability curves a report draws, and
	// per-slice positives and AUC intervals. Defaults to off.
	Curves bool
}

// Evaluate computes a model's Result on labelled rows: overall metrics,
// per-slice metrics with row counts and, for binary models with Bootstrap
// set, the headline metric's interval. preds are probabilities of class 1
// (binary), row-major class probabilities (multiclass) or predictions
// (regression). Cost is left zero: it is measured through the model.
func Evaluate[L Label](task Task, labels []L, preds []float32, opts Options) (Result, error) {
	if opts.Threshold == 0 {
		opts.Threshold = 0.5
	}
	if opts.Headline == "" {
		opts.Headline = AUC
	}
	metrics, err := taskMetrics(task, labels, preds, opts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Task: task, Rows: len(labels), Metrics: metrics}
	for _, s := range opts.Slices {
		sr, err := evaluateSlice(task, labels, preds, s, opts)
		if err != nil {
			return Result{}, err
		}
		res.Slices = append(res.Slices, sr)
	}
	if opts.Curves && task == TaskBinary {
		if res.Curves, err = BinaryCurves(labels, preds, opts.Threshold); err != nil {
			return Result{}, err
		}
	}
	if opts.Bootstrap != nil && task == TaskBinary {
		iv, err := BootstrapBinary(labels, preds, opts.Headline, opts.Threshold, *opts.Bootstrap)
		if err != nil {
			return Result{}, err
		}
		res.CI = &iv
	}
	return res, nil
}

func taskMetrics[L Label](task Task, labels []L, preds []float32, opts Options) (map[string]float64, error) {
	switch task {
	case TaskBinary:
		b, err := EvaluateBinary(labels, preds, opts.Threshold)
		return b.Metrics(), err
	case TaskMulticlass:
		m, err := EvaluateMulticlass(labels, preds, opts.Classes)
		return m.Metrics(), err
	case TaskRegression:
		r, err := EvaluateRegression(labels, preds)
		return r.Metrics(), err
	}
	return nil, fmt.Errorf("evaluate: %w: task %q", ErrInvalidInput, task)
}

// evaluateSlice gathers the slice's rows and computes their metrics. An
// empty slice has a row count of 0 and no metrics.
func evaluateSlice[L Label](task Task, labels []L, preds []float32, s Slice, opts Options) (SliceResult, error) {
	sr := SliceResult{Name: s.Name, Rows: len(s.Rows), Metrics: map[string]float64{}}
	if len(s.Rows) == 0 {
		return sr, nil
	}
	width := 1
	if task == TaskMulticlass && opts.Classes > 0 {
		width = opts.Classes
	}
	if len(preds) != len(labels)*width {
		return sr, fmt.Errorf("evaluate slice %s: %w: %d labels, %d predictions", s.Name, ErrInvalidInput, len(labels), len(preds))
	}
	ls := make([]L, 0, len(s.Rows))
	ps := make([]float32, 0, len(s.Rows)*width)
	for _, i := range s.Rows {
		if i < 0 || i >= len(labels) {
			return sr, fmt.Errorf("evaluate slice %s: %w: row %d out of range", s.Name, ErrInvalidInput, i)
		}
		ls = append(ls, labels[i])
		ps = append(ps, preds[i*width:(i+1)*width]...)
	}
	m, err := taskMetrics(task, ls, ps, opts)
	if err != nil {
		return sr, fmt.Errorf("evaluate slice %s: %w", s.Name, err)
	}
	sr.Metrics = m
	if opts.Curves && task == TaskBinary {
		d, err := newBinData(ls, ps)
		if err != nil {
			return sr, fmt.Errorf("evaluate slice %s: %w", s.Name, err)
		}
		for _, y := range d.y {
			if y {
				sr.Positives++
			}
		}
		sr.Interval = hanleyMcNeil(m[AUC], sr.Positives, len(d.y)-sr.Positives, s.Name)
	}
	return sr, nil
}

// SliceRows returns the indices of the rows where keep is true, to build a
// Slice from a boolean mask.
func SliceRows(keep []bool) []int {
	var rows []int
	for i, k := range keep {
		if k {
			rows = append(rows, i)
		}
	}
	return slices.Clip(rows)
}
