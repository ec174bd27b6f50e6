package evaluate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// BootstrapOptions configure Bootstrap. The zero value is ready to use.
type BootstrapOptions struct {
	// Resamples is the number of bootstrap resamples. Defaults to 1000.
	Resamples int
	// Level is the confidence level of the interval. Defaults to 0.95.
	Level float64
	// Seed seeds the PCG generator (math/rand/v2); the same seed gives the
	// same interval. Defaults to 0, which is a valid seed.
	Seed uint64
}

func (o BootstrapOptions) withDefaults() BootstrapOptions {
	if o.Resamples <= 0 {
		o.Resamples = 1000
	}
	if o.Level <= 0 || o.Level >= 1 {
		o.Level = 0.95
	}
	return o
}

// Interval is a bootstrap percentile confidence interval.
type Interval struct {
	Metric   string  `json:"metric"`
	Slice    string  `json:"slice,omitempty"` // "" for all rows
	Estimate float64 `json:"estimate"`        // the metric on all rows
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
	Level    float64 `json:"level"`
	// Resamples counts the resamples where the metric was defined (an AUC
	// resample with one class is skipped).
	Resamples int    `json:"resamples"`
	Seed      uint64 `json:"seed"`
}

// Bootstrap resamples n rows with replacement opts.Resamples times, calls
// stat with the row indices of each resample (the slice is reused between
// calls), and returns the percentile interval of the defined (non-NaN)
// results, interpolated linearly between order statistics as numpy's
// percentile. Estimate is stat over all rows in order.
func Bootstrap(n int, stat func(idx []int) float64, opts BootstrapOptions) Interval {
	opts = opts.withDefaults()
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	iv := Interval{Estimate: stat(idx), Level: opts.Level, Seed: opts.Seed}
	vals := make([]float64, 0, opts.Resamples)
	for r := 0; r < opts.Resamples; r++ {
		for i := range idx {
			idx[i] = rng.IntN(n)
		}
		if v := stat(idx); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	slices.Sort(vals)
	alpha := (1 - opts.Level) / 2
	iv.Lo, iv.Hi, iv.Resamples = percentile(vals, alpha), percentile(vals, 1-alpha), len(vals)
	return iv
}

// percentile of sorted vals at q in [0, 1], numpy's "linear" method.
func percentile(vals []float64, q float64) float64 {
	if len(vals) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(vals)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(vals) {
		return vals[len(vals)-1]
	}
	return vals[lo] + (pos-float64(lo))*(vals[lo+1]-vals[lo])
}

// BootstrapBinary returns the bootstrap interval of one binary metric
// (AUC, PRAUC, Accuracy, F1, LogLoss, ...; names as in Binary.Metrics).
func BootstrapBinary[L Label](labels []L, scores []float32, metric string, threshold float64, opts BootstrapOptions) (Interval, error) {
	d, err := newProbData(labels, scores)
	if err == nil && !slices.Contains(binaryMetrics, metric) {
		err = fmt.Errorf("%w: %q is not a binary metric", ErrInvalidInput, metric)
	}
	if err != nil {
		return Interval{}, fmt.Errorf("evaluate bootstrap: %w", err)
	}
	sub := binData{y: make([]bool, len(d.y)), p: make([]float64, len(d.p))}
	iv := Bootstrap(len(d.y), func(idx []int) float64 {
		for i, j := range idx {
			sub.y[i], sub.p[i] = d.y[j], d.p[j]
		}
		return binaryMetric(sub, metric, threshold)
	}, opts)
	iv.Metric = metric
	return iv, nil
}

var binaryMetrics = []string{Accuracy, Precision, Recall, F1, AUC, PRAUC, LogLoss, Brier, ECE}

// binaryMetric computes one metric, NaN when undefined.
func binaryMetric(d binData, metric string, threshold float64) float64 {
	switch metric {
	case AUC:
		return d.rocAUC()
	case PRAUC:
		return d.averagePrecision()
	case LogLoss:
		return d.logLoss()
	case Brier:
		return d.brier()
	case ECE:
		return d.ece(CalibrationBins)
	}
	return d.confusion(threshold).metrics()[metric]
}

// BootstrapBinaryPaired returns the interval of metric(candidate) −
// metric(champion) where both models scored the same rows: each resample
// weighs the rows once (a Poisson bootstrap, see resampleCounts) and
// computes the metric of both models on them, so the rows' shared
// difficulty cancels out. Estimate is the difference on all rows. For a
// metric where higher is better, Lo > 0 means the candidate is better
// beyond the interval.
func BootstrapBinaryPaired[L Label](labels []L, candidate, champion []float32, metric string, threshold float64, opts BootstrapOptions) (Interval, error) {
	c, err := newProbData(labels, candidate)
	var h binData
	if err == nil {
		h, err = newProbData(labels, champion)
	}
	if err == nil && !slices.Contains(binaryMetrics, metric) {
		err = fmt.Errorf("%w: %q is not a binary metric", ErrInvalidInput, metric)
	}
	if err != nil {
		return Interval{}, fmt.Errorf("evaluate paired bootstrap: %w", err)
	}
	p := pairedBootstrap(newBinaryResampled(c, threshold), newBinaryResampled(h, threshold), len(c.y), []string{metric}, opts)
	return p[0].Diff, nil
}
