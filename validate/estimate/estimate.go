package estimate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/model"
)

// ErrInvalidInput marks inputs an estimate cannot be made from: no rows,
// mismatched lengths, a model without a calibrator.
var ErrInvalidInput = errors.New("invalid input")

// MinRows is the number of rows below which an estimate warns that its
// interval is wide: at 1,000 rows and a base rate of 20 %, a 95 %
// interval of accuracy spans about ±0.025.
const MinRows = 1000

// Method is the name of the estimation method in an Estimate.
const Method = "cbpe"

// Metric names. Binary estimates give Accuracy, Precision, Recall, F1 and
// AUC; multiclass ones Accuracy and the macro averages.
const (
	Accuracy       = "accuracy"
	Precision      = "precision"
	Recall         = "recall"
	F1             = "f1"
	AUC            = "auc"
	MacroPrecision = "macro_precision"
	MacroRecall    = "macro_recall"
	MacroF1        = "macro_f1"
	MacroAUC       = "macro_auc"
)

// Options configure an estimate. The zero value is usable.
type Options struct {
	// Threshold is a binary model's decision threshold on its raw
	// probability. Defaults to 0.5, as evaluate uses.
	Threshold float64
	// Level is the interval's coverage. Defaults to 0.95.
	Level float64
	// Samples is the number of label draws behind the interval. Defaults
	// to 400.
	Samples int
	// Seed seeds the label draws. Defaults to 0 (a seed like any other).
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.Threshold == 0 {
		o.Threshold = 0.5
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if o.Samples == 0 {
		o.Samples = 400
	}
	return o
}

// Metric is one estimated metric with its interval.
type Metric struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	// Lo and Hi bound the interval: the sampling spread, widened by the
	// calibration shift when the calibrator carries one.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// SamplingLo and SamplingHi are the interval from the sample size
	// alone and Shift the half-width the calibration shift adds (in
	// quadrature); all 0 when no shift was measured.
	SamplingLo float64 `json:"sampling_lo,omitempty"`
	SamplingHi float64 `json:"sampling_hi,omitempty"`
	Shift      float64 `json:"shift,omitempty"`
}

// Estimate is a model's estimated performance on unlabelled rows.
type Estimate struct {
	Method string     `json:"method"` // "cbpe"
	Task   model.Task `json:"task"`
	Rows   int        `json:"rows"`
	// Level is the intervals' coverage; Samples the label draws behind
	// them.
	Level   float64 `json:"level"`
	Samples int     `json:"samples"`
	// Calibration describes the calibrator ("isotonic on 86,976 holdout
	// rows"), when the estimate came from a model.
	Calibration string `json:"calibration,omitempty"`
	// PositiveRate is a binary model's expected share of positive labels
	// (the mean calibrated probability).
	PositiveRate float64 `json:"positive_rate,omitempty"`
	// Shift says how the calibration shift in the intervals was
	// measured; nil when the calibrator carries none (the intervals are
	// then the sampling spread only).
	Shift    *ShiftInfo `json:"shift,omitempty"`
	Metrics  []Metric   `json:"metrics"`
	Warnings []string   `json:"warnings,omitempty"`
}

// Metric returns the named metric.
func (e Estimate) Metric(name string) (Metric, bool) {
	i := slices.IndexFunc(e.Metrics, func(m Metric) bool { return m.Name == name })
	if i < 0 {
		return Metric{}, false
	}
	return e.Metrics[i], true
}

// Names lists the metrics an estimate of a task gives, in order.
func Names(task model.Task) []string {
	if task == model.TaskMulticlass {
		return []string{Accuracy, MacroPrecision, MacroRecall, MacroF1, MacroAUC}
	}
	return []string{Accuracy, Precision, Recall, F1, AUC}
}

// FromModel estimates m's performance from its raw predictions preds (as
// Predict gives them) with the calibrator m carries.
func FromModel(m *model.Model, preds []float32, opts Options) (Estimate, error) {
	c := m.Calibrator()
	if c == nil {
		return Estimate{}, fmt.Errorf("estimate: %w: the model has no probability calibrator (a %s model, or one trained before calibrators: retrain it)",
			ErrInvalidInput, m.Task())
	}
	cal := c.Apply(preds, nil)
	var e Estimate
	var err error
	if m.Task() == model.TaskMulticlass {
		e, err = Multiclass(preds, cal, m.OutputWidth(), opts)
	} else {
		e, err = Binary(preds, cal, opts)
	}
	if err != nil {
		return e, err
	}
	e.Calibration = fmt.Sprintf("%s on %s holdout rows", c.Method, numfmt.Count(int64(c.Rows)))
	e.withShift(c.Shift)
	if c.Shift == nil {
		e.Warnings = append(e.Warnings, "the calibrator carries no measured calibration shift (fitted before refit measured it, or on too few rows): the intervals are the sampling spread only")
	} else if c.Shift.By == "random" {
		e.Warnings = append(e.Warnings, "the calibration shift was measured on random chunks of the holdout (no time column): it includes no change between periods")
	}
	return e, nil
}

// Binary estimates a binary model's metrics from its raw probabilities
// scores and their calibrated values cal.
func Binary(scores []float32, cal []float64, opts Options) (Estimate, error) {
	opts = opts.withDefaults()
	if err := check(len(scores), len(cal), 1, opts); err != nil {
		return Estimate{}, err
	}
	n := len(scores)
	pred := make([]bool, n)
	var c confusion
	var mean float64
	for i, s := range scores {
		pred[i] = float64(s) >= opts.Threshold
		c.add(pred[i], cal[i])
		mean += cal[i]
	}
	b := newBinarySampler(scores, cal, pred)
	values := []float64{c.accuracy(), c.precision(), c.recall(), c.f1(), expectedAUC(scores, cal)}
	e := newEstimate(model.TaskBinary, n, opts, values, b.sample)
	e.PositiveRate = mean / float64(n)
	return e, nil
}

func check(scores, cal, k int, opts Options) error {
	if scores == 0 || scores != cal || scores%k != 0 {
		return fmt.Errorf("estimate: %w: %d scores, %d calibrated probabilities, %d classes", ErrInvalidInput, scores, cal, k)
	}
	if !(opts.Level > 0 && opts.Level < 1) || opts.Samples < 2 {
		return fmt.Errorf("estimate: %w: level %v (want (0, 1)), samples %d (want ≥ 2)", ErrInvalidInput, opts.Level, opts.Samples)
	}
	return nil
}

// newEstimate assembles an estimate from the point values of Names(task)
// and the interval from opts.Samples draws of sample.
func newEstimate(task model.Task, rows int, opts Options, values []float64, sample func(*rand.Rand, []float64)) Estimate {
	names := Names(task)
	draws := make([][]float64, len(names))
	rng := rand.New(rand.NewPCG(opts.Seed, 0x6362706521))
	out := make([]float64, len(names))
	for range opts.Samples {
		sample(rng, out)
		for j, v := range out {
			if !math.IsNaN(v) {
				draws[j] = append(draws[j], v)
			}
		}
	}
	e := Estimate{Method: Method, Task: task, Rows: rows, Level: opts.Level, Samples: opts.Samples}
	for j, name := range names {
		lo, hi := interval(draws[j], opts.Level)
		e.Metrics = append(e.Metrics, Metric{Name: name, Value: values[j], Lo: lo, Hi: hi})
	}
	if rows < MinRows {
		e.Warnings = append(e.Warnings, fmt.Sprintf("only %d rows (fewer than %d): the intervals are wide", rows, MinRows))
	}
	return e
}

// interval is the central level of the draws (linear interpolation
// between order statistics); NaN without draws.
func interval(draws []float64, level float64) (lo, hi float64) {
	if len(draws) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(draws)
	return quantile(draws, (1-level)/2), quantile(draws, 1-(1-level)/2)
}

func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}

// confusion is an (expected or drawn) binary confusion matrix.
type confusion struct{ tp, fp, fn, tn float64 }

// add counts a row decided pred whose label is positive with probability p.
func (c *confusion) add(pred bool, p float64) {
	if pred {
		c.tp, c.fp = c.tp+p, c.fp+1-p
	} else {
		c.fn, c.tn = c.fn+p, c.tn+1-p
	}
}

func (c confusion) accuracy() float64 { return (c.tp + c.tn) / (c.tp + c.fp + c.fn + c.tn) }
func (c confusion) precision() float64 {
	return ratio(c.tp, c.tp+c.fp)
}
func (c confusion) recall() float64 { return ratio(c.tp, c.tp+c.fn) }
func (c confusion) f1() float64     { return ratio(2*c.tp, 2*c.tp+c.fp+c.fn) }

// ratio is a/b, 0 when b is 0 (scikit-learn's zero_division=0).
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
