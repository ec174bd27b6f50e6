package evaluate

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"time"

	"github.com/refit-ml/refit/model"
)

// Cost metric names: a Result's Cost under the names metric gates use, so
// a policy can bound a cost relative to the champion, e.g.
// {metric: latency_p99_us, max_rise_vs_champion_pct: 20}. They exist for
// the overall rows only (not per slice).
const (
	CostBytes      = "bytes"
	CostParams     = "params"
	CostNonzeros   = "nonzeros"
	CostLatencyP50 = "latency_p50_us"
	CostLatencyP99 = "latency_p99_us"
	CostRowsPerSec = "rows_per_sec"
)

// isCost reports whether name is a cost metric.
func isCost(name string) bool {
	switch name {
	case CostBytes, CostParams, CostNonzeros, CostLatencyP50, CostLatencyP99, CostRowsPerSec:
		return true
	}
	return false
}

// Metrics returns the measured costs by cost metric name; costs that were
// not measured (zero) are absent.
func (c Cost) Metrics() map[string]float64 {
	out := map[string]float64{}
	for name, v := range map[string]float64{
		CostBytes: float64(c.Bytes), CostParams: float64(c.Params), CostNonzeros: float64(c.Nonzeros),
		CostLatencyP50: c.LatencyP50Us, CostLatencyP99: c.LatencyP99Us, CostRowsPerSec: c.RowsPerSec,
	} {
		if v != 0 {
			out[name] = v
		}
	}
	return out
}

// CostOptions configure MeasureCost. The zero value is ready to use.
type CostOptions struct {
	// Budget bounds the time spent timing one model, warm-up included: half
	// for batch-1 latency, half for batch-1024 throughput. The minimum
	// number of calls (MinCalls and 3 batches) is run even past it.
	// Defaults to 1s.
	Budget time.Duration
	// MinCalls is the least number of timed batch-1 calls, so that p99 is
	// meaningful. Defaults to 200.
	MinCalls int
	// MaxCalls bounds the timed batch-1 calls. Defaults to 20000.
	MaxCalls int
	// Warmup is the number of untimed batch-1 calls first. Defaults to 50.
	Warmup int
}

func (o CostOptions) withDefaults() CostOptions {
	if o.Budget <= 0 {
		o.Budget = time.Second
	}
	if o.MinCalls <= 0 {
		o.MinCalls = 200
	}
	if o.MaxCalls < o.MinCalls {
		o.MaxCalls = max(20000, o.MinCalls)
	}
	if o.Warmup <= 0 {
		o.Warmup = 50
	}
	return o
}

// ThroughputBatch is the batch size of the rows/s measurement.
const ThroughputBatch = 1024

// MeasureCost measures m's size and speed: Bytes is the size of the file at
// path (not measured when path is ""), Params and Nonzeros come from the
// layers, and latency and throughput are timed in-process through a
// model.Predictor's Forward on x, real rows already transformed by m's
// preprocessing (rows×NumFeatures, at least one row). Batch-1 calls cycle
// through the rows; the 1024-row batch repeats them as needed. The
// preprocessing is not timed. x is only read. Wall-clock figures depend on
// the machine and its load: compare models measured in the same process.
func MeasureCost(ctx context.Context, m *model.Model, path string, x []float32, rows int, opts CostOptions) (Cost, error) {
	opts = opts.withDefaults()
	nf := m.Preprocessor().NumFeatures()
	if rows <= 0 || len(x) != rows*nf {
		return Cost{}, fmt.Errorf("evaluate cost: %w: %d values for %d rows of %d features", ErrInvalidInput, len(x), rows, nf)
	}
	c := Cost{Params: int64(m.NumParams()), Nonzeros: int64(m.NonZeros())}
	var err error
	if path != "" {
		if c.Bytes, err = fileSize(path); err != nil {
			return Cost{}, err
		}
	}
	p := m.NewPredictor()
	if c.LatencyP50Us, c.LatencyP99Us, err = latency(ctx, p, x, rows, nf, opts); err != nil {
		return Cost{}, err
	}
	if c.RowsPerSec, err = throughput(ctx, p, x, rows, nf, opts.Budget/2); err != nil {
		return Cost{}, err
	}
	return c, nil
}

// latency times batch-1 Forward calls and returns their p50 and p99 in µs.
func latency(ctx context.Context, p *model.Predictor, x []float32, rows, nf int, opts CostOptions) (p50, p99 float64, err error) {
	dst := make([]float32, 0, 64)
	call := func(i int) error {
		r := i % rows
		dst, err = p.Forward(x[r*nf:(r+1)*nf], 1, dst)
		return err
	}
	for i := range opts.Warmup {
		if err := call(i); err != nil {
			return 0, 0, fmt.Errorf("evaluate cost: %w", err)
		}
	}
	times := make([]time.Duration, 0, opts.MinCalls)
	start := time.Now()
	for i := 0; i < opts.MaxCalls; i++ {
		if i >= opts.MinCalls && time.Since(start) >= opts.Budget/2 {
			break
		}
		if i%256 == 0 && ctx.Err() != nil {
			return 0, 0, ctx.Err()
		}
		t := time.Now()
		err := call(i)
		times = append(times, time.Since(t))
		if err != nil {
			return 0, 0, fmt.Errorf("evaluate cost: %w", err)
		}
	}
	slices.Sort(times)
	return micros(nearestRank(times, 0.50)), micros(nearestRank(times, 0.99)), nil
}

// throughput runs ThroughputBatch-row Forward calls (one untimed) for about
// budget, at least three timed, and returns rows per second.
func throughput(ctx context.Context, p *model.Predictor, x []float32, rows, nf int, budget time.Duration) (float64, error) {
	batch := make([]float32, 0, ThroughputBatch*nf)
	for len(batch) < ThroughputBatch*nf {
		batch = append(batch, x[:min(len(x), ThroughputBatch*nf-len(batch))]...)
	}
	dst, err := p.Forward(batch, ThroughputBatch, nil)
	if err != nil {
		return 0, fmt.Errorf("evaluate cost: %w", err)
	}
	calls, start := 0, time.Now()
	for calls < 3 || time.Since(start) < budget {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		dst, _ = p.Forward(batch, ThroughputBatch, dst)
		calls++
	}
	elapsed := time.Since(start)
	return float64(calls*ThroughputBatch) / max(elapsed.Seconds(), 1e-9), nil
}

// nearestRank is the q-quantile of sorted durations by the nearest-rank
// method; at least 1ns so that a measured latency is never "not measured".
func nearestRank(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(float64(len(sorted))*q)) - 1
	return max(sorted[min(max(i, 0), len(sorted)-1)], time.Nanosecond)
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// fileSize is the size of the file at path.
func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("evaluate cost: %w", err)
	}
	return st.Size(), nil
}
