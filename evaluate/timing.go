package evaluate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/refit-ml/refit/model"
)

// timing is one model's timing samples, in the order they were taken; the
// i-th samples of two models of one run were taken one after the other.
type timing struct {
	latency    []float64 // µs per batch-1 call, one value per sample
	throughput []float64 // rows per second, one value per sample
}

// timer runs one model's timed calls.
type timer struct {
	p        *model.Predictor
	x        []float32
	rows, nf int
	next     int // row of the next batch-1 call
	dst      []float32
	batch    []float32 // ThroughputBatch rows, repeating x
	calls    int       // batch-1 calls per latency sample
	batches  int       // batches per throughput sample
}

func newTimer(m *model.Model, x []float32, rows int) (*timer, error) {
	nf := m.Preprocessor().NumFeatures()
	if rows <= 0 || len(x) != rows*nf {
		return nil, fmt.Errorf("evaluate cost: %w: %d values for %d rows of %d features", ErrInvalidInput, len(x), rows, nf)
	}
	t := &timer{p: m.NewPredictor(), x: x, rows: rows, nf: nf, dst: make([]float32, 0, 64)}
	t.batch = make([]float32, 0, ThroughputBatch*nf)
	for len(t.batch) < ThroughputBatch*nf {
		t.batch = append(t.batch, x[:min(len(x), ThroughputBatch*nf-len(t.batch))]...)
	}
	return t, nil
}

// single runs n batch-1 calls, cycling through the rows.
func (t *timer) single(n int) error {
	var err error
	for range n {
		r := t.next
		t.next = (t.next + 1) % t.rows
		if t.dst, err = t.p.Forward(t.x[r*t.nf:(r+1)*t.nf], 1, t.dst); err != nil {
			return err
		}
	}
	return nil
}

// batched runs n ThroughputBatch-row calls.
func (t *timer) batched(n int) error {
	var err error
	for range n {
		if t.dst, err = t.p.Forward(t.batch, ThroughputBatch, t.dst); err != nil {
			return err
		}
	}
	return nil
}

// latencySample times t.calls batch-1 calls: µs per call.
func (t *timer) latencySample() (float64, error) {
	start := time.Now()
	err := t.single(t.calls)
	return time.Since(start).Seconds() * 1e6 / float64(t.calls), err
}

// throughputSample times t.batches batches: rows per second.
func (t *timer) throughputSample() (float64, error) {
	start := time.Now()
	err := t.batched(t.batches)
	return float64(t.batches*ThroughputBatch) / max(time.Since(start).Seconds(), 1e-9), err
}

// calibrate returns how many runs of one unit take at least target, by
// doubling.
func calibrate(run func(n int) error, target time.Duration) (int, error) {
	for n := 1; ; n *= 2 {
		start := time.Now()
		if err := run(n); err != nil {
			return 0, err
		}
		if time.Since(start) >= target || n >= 1<<24 {
			return n, nil
		}
	}
}

// interleave warms up and calibrates every timer, then takes latency
// samples and throughput samples in rounds: one sample of every model per
// round, in alternating order, for half the budget per model each (at
// least MinSamples rounds, at most MaxSamples).
func interleave(ctx context.Context, timers []*timer, opts CostOptions) ([]timing, error) {
	var err error
	for _, t := range timers {
		if err = t.single(opts.Warmup); err == nil {
			t.calls, err = calibrate(t.single, opts.SampleTarget)
		}
		if err == nil {
			t.batches, err = calibrate(t.batched, opts.SampleTarget)
		}
		if err != nil {
			return nil, err
		}
	}
	budget := opts.Budget / 2 * time.Duration(len(timers))
	lat, err := rounds(ctx, len(timers), opts, budget, func(i int) (float64, error) { return timers[i].latencySample() })
	if err != nil {
		return nil, err
	}
	thr, err := rounds(ctx, len(timers), opts, budget, func(i int) (float64, error) { return timers[i].throughputSample() })
	if err != nil {
		return nil, err
	}
	out := make([]timing, len(timers))
	for i := range out {
		out[i] = timing{latency: lat[i], throughput: thr[i]}
	}
	return out, nil
}

// rounds takes one sample of each of n models per round, the order
// reversed every other round, until the budget is spent.
func rounds(ctx context.Context, n int, opts CostOptions, budget time.Duration, sample func(i int) (float64, error)) ([][]float64, error) {
	out := make([][]float64, n)
	start := time.Now()
	for r := 0; r < opts.MaxSamples; r++ {
		if r >= opts.MinSamples && time.Since(start) >= budget {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for j := range n {
			i := j
			if r%2 == 1 {
				i = n - 1 - j
			}
			v, err := sample(i)
			if err != nil {
				return nil, err
			}
			out[i] = append(out[i], v)
		}
	}
	return out, nil
}

// timingResampled gives a quantile of one model's timing samples on
// resamples of the samples (the units the counts refer to).
type timingResampled struct {
	vals  []float64
	order []int32 // samples by ascending value
}

// newTimingResampled prepares samples, raised to floor where they are below it.
func newTimingResampled(samples []float64, floor float64) *timingResampled {
	t := &timingResampled{vals: make([]float64, len(samples)), order: make([]int32, len(samples))}
	for i, v := range samples {
		t.vals[i], t.order[i] = math.Max(v, floor), int32(i)
	}
	slices.SortFunc(t.order, func(a, b int32) int { return cmp.Compare(t.vals[a], t.vals[b]) })
	return t
}

// timingQuantile is the quantile a cost metric takes of its samples.
var timingQuantile = map[string]float64{CostLatencyP50: 0.50, CostLatencyP99: 0.99, CostRowsPerSec: 0.50}

// metric is the nearest-rank quantile of the weighted samples.
func (t *timingResampled) metric(name string, w []uint8) float64 {
	var total int64
	for _, c := range w {
		total += int64(c)
	}
	if total == 0 {
		return math.NaN()
	}
	target := max(int64(math.Ceil(float64(total)*timingQuantile[name])), 1)
	var cum int64
	for _, i := range t.order {
		if cum += int64(w[i]); cum >= target {
			return t.vals[i]
		}
	}
	return t.vals[t.order[len(t.order)-1]]
}
