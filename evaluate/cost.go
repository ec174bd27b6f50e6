package evaluate

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
)

// Cost metric names: a Result's Cost under the names metric gates use, so
// a policy can bound a cost relative to the champion, e.g.
// {metric: latency_p99_us, max_rise_vs_champion_pct: 20}. They exist for
// the overall rows only (not per slice).
const (
	CostBytes         = "bytes"
	CostTensorBytes   = "tensor_bytes"
	CostParams        = "params"
	CostNonzeros      = "nonzeros"
	CostLatencyP50    = "latency_p50_us"
	CostLatencyP99    = "latency_p99_us"
	CostRowsPerSec    = "rows_per_sec"
	CostE2ERowsPerSec = "e2e_rows_per_sec"
)

// isCost reports whether name is a cost metric.
func isCost(name string) bool {
	switch name {
	case CostBytes, CostTensorBytes, CostParams, CostNonzeros, CostLatencyP50, CostLatencyP99, CostRowsPerSec, CostE2ERowsPerSec:
		return true
	}
	return false
}

// Metrics returns the measured costs by cost metric name; costs that were
// not measured (zero) are absent.
func (c Cost) Metrics() map[string]float64 {
	out := map[string]float64{}
	for name, v := range map[string]float64{
		CostBytes: float64(c.Bytes), CostTensorBytes: float64(c.TensorBytes), CostParams: float64(c.Params),
		CostNonzeros: float64(c.Nonzeros), CostLatencyP50: c.LatencyP50Us, CostLatencyP99: c.LatencyP99Us,
		CostRowsPerSec: c.RowsPerSec, CostE2ERowsPerSec: c.EndToEndRowsPerSec,
	} {
		if v != 0 {
			out[name] = v
		}
	}
	return out
}

// CostOptions configure MeasureCost and MeasureCosts. The zero value is
// ready to use.
type CostOptions struct {
	// Budget bounds the time spent timing one model, warm-up included: half
	// for batch-1 latency, half for batch-1024 throughput (shared with the
	// end-to-end throughput when it is measured). MinSamples samples are
	// taken even past it. Defaults to 1s.
	Budget time.Duration
	// SampleTarget is the least duration of one timing sample: batch-1
	// calls (and 1024-row batches) are grouped until a sample takes that
	// long. Samples are what the models take turns on and what intervals
	// resample. Defaults to 50µs.
	SampleTarget time.Duration
	// GroupTarget is the least duration of a group of batch-1 calls timed
	// together inside a sample, so that the timer's resolution and
	// overhead (tens of ns) do not show: a call that takes longer is timed
	// alone. Defaults to 1µs.
	GroupTarget time.Duration
	// MinSamples is the least number of samples per model, so that p99
	// is meaningful. Defaults to 200.
	MinSamples int
	// MaxSamples bounds the samples per model. Defaults to 20000.
	MaxSamples int
	// Warmup is the number of untimed batch-1 calls first. Defaults to 50.
	Warmup int
}

func (o CostOptions) withDefaults() CostOptions {
	if o.Budget <= 0 {
		o.Budget = time.Second
	}
	if o.SampleTarget <= 0 {
		o.SampleTarget = 50 * time.Microsecond
	}
	if o.GroupTarget <= 0 {
		o.GroupTarget = time.Microsecond
	}
	if o.MinSamples <= 0 {
		o.MinSamples = 200
	}
	if o.MaxSamples < o.MinSamples {
		o.MaxSamples = max(20000, o.MinSamples)
	}
	if o.Warmup <= 0 {
		o.Warmup = 50
	}
	return o
}

// ThroughputBatch is the batch size of the rows/s measurement.
const ThroughputBatch = 1024

// MeasureCost measures one model's size and speed; see MeasureCosts.
func MeasureCost(ctx context.Context, m *model.Model, path string, x []float32, rows int, opts CostOptions) (Cost, error) {
	costs, _, err := measureCosts(ctx, []CostInput{{Model: m, Path: path, X: x}}, rows, opts)
	if err != nil {
		return Cost{}, err
	}
	return costs[0], nil
}

// CostInput is one model to measure: the model, its file ("" when it has
// none; Bytes is then not measured) and real rows already transformed by
// its preprocessing (rows×NumFeatures values), and optionally the same
// rows as Arrow columns for the end-to-end throughput (only read).
type CostInput struct {
	Model  *model.Model
	Path   string
	X      []float32
	Record arrow.Record
}

// MeasureCosts measures the models' size and speed in one interleaved run,
// so that their timings are comparable: Bytes is the file's size, Params
// and Nonzeros come from the layers, and latency and throughput are timed
// in-process through a model.Predictor's Forward on each model's x (rows
// rows, at least one; the preprocessing is not timed; x is only read).
//
// Timings are taken in samples: a latency sample is as many batch-1 calls,
// cycling through the rows, as take at least SampleTarget, timed in groups
// of calls that take at least GroupTarget; a throughput sample is a group
// of ThroughputBatch-row calls that takes at least SampleTarget. The models
// take turns sample by sample, in alternating order, so that load on the
// machine falls on all of them alike.
//
// LatencyP50Us is the median over samples of their time per call: a
// sample is long enough for the timer's resolution not to matter and the
// median ignores the samples the machine interrupted. LatencyP99Us is the
// 99th percentile over groups of their time per call: a group is short
// (about 1 µs), so a model's slow calls still show in it while the
// machine's interruptions (a preempted thread: milliseconds every few
// milliseconds on a busy machine) touch far fewer than 1% of groups; a
// call longer than GroupTarget is its own group, which makes it the
// per-call p99. RowsPerSec is the median throughput sample. Wall-clock
// figures depend on the machine and its load: compare models measured in
// the same run.
func MeasureCosts(ctx context.Context, in []CostInput, rows int, opts CostOptions) ([]Cost, error) {
	costs, _, err := measureCosts(ctx, in, rows, opts)
	return costs, err
}

func measureCosts(ctx context.Context, in []CostInput, rows int, opts CostOptions) ([]Cost, []timing, error) {
	opts = opts.withDefaults()
	costs := make([]Cost, len(in))
	timers := make([]*timer, len(in))
	for i, c := range in {
		var err error
		if costs[i], err = sizeCost(c.Model, c.Path); err != nil {
			return nil, nil, err
		}
		if timers[i], err = newTimer(c.Model, c.X, rows, c.Record); err != nil {
			return nil, nil, err
		}
	}
	t, err := interleave(ctx, timers, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate cost: %w", err)
	}
	for i := range costs {
		costs[i].LatencyP50Us = quantile(t[i].latency, 0.50)
		costs[i].LatencyP99Us = quantile(t[i].groups, 0.99)
		costs[i].RowsPerSec = quantile(t[i].throughput, 0.50)
		costs[i].EndToEndRowsPerSec = quantile(t[i].e2e, 0.50)
	}
	return costs, t, nil
}

// sizeCost is the cost without timings.
func sizeCost(m *model.Model, path string) (Cost, error) {
	tb, err := m.TensorBytes()
	if err != nil {
		return Cost{}, fmt.Errorf("evaluate cost: %w", err)
	}
	c := Cost{Params: int64(m.NumParams()), Nonzeros: int64(m.NonZeros()), TensorBytes: tb}
	if path != "" {
		b, err := fileSize(path)
		if err != nil {
			return Cost{}, err
		}
		c.Bytes = b
	}
	return c, nil
}

// quantile is the q-quantile of vals by the nearest-rank method (vals is
// not modified).
func quantile(vals []float64, q float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vals))
	i := int(math.Ceil(float64(len(s))*q)) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// fileSize is the size of the file at path.
func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("evaluate cost: %w", err)
	}
	return st.Size(), nil
}
