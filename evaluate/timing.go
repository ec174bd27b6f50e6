package evaluate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
)

// timing is one model's timing samples, in the order they were taken; the
// i-th samples of two models of one run were taken one after the other.
type timing struct {
	latency    []float64 // µs per batch-1 call, one value per sample
	throughput []float64 // rows per second, one value per sample
	e2e        []float64 // rows per second from Arrow, one value per sample
	// groups are the µs per call of each group of batch-1 calls (at least
	// GroupTarget long) and groupSample the sample each belongs to.
	groups      []float64
	groupSample []int32
}

// timer runs one model's timed calls.
type timer struct {
	p        *model.Predictor
	x        []float32
	rows, nf int
	next     int // row of the next batch-1 call
	dst      []float32
	batch    []float32    // ThroughputBatch rows, repeating x
	rec      arrow.Record // ThroughputBatch rows as Arrow, or nil
	group    int          // batch-1 calls per timed group
	groups   int          // groups per latency sample
	batches  int          // batches per throughput sample
	recs     int          // record batches per end-to-end sample
	out      *timing      // where samples go
}

// newTimer prepares the timed calls of one model; rec, if not nil, holds
// the rows of x as Arrow columns (only read).
func newTimer(m *model.Model, x []float32, rows int, rec arrow.Record) (*timer, error) {
	nf := m.Preprocessor().NumFeatures()
	if rows <= 0 || len(x) != rows*nf {
		return nil, fmt.Errorf("evaluate cost: %w: %d values for %d rows of %d features", ErrInvalidInput, len(x), rows, nf)
	}
	t := &timer{p: m.NewPredictor(), x: x, rows: rows, nf: nf, dst: make([]float32, 0, 64)}
	t.batch = make([]float32, 0, ThroughputBatch*nf)
	for len(t.batch) < ThroughputBatch*nf {
		t.batch = append(t.batch, x[:min(len(x), ThroughputBatch*nf-len(t.batch))]...)
	}
	if rec != nil && rec.NumRows() > 0 {
		var err error
		if t.rec, err = repeatRows(rec, ThroughputBatch); err != nil {
			return nil, fmt.Errorf("evaluate cost: %w", err)
		}
	}
	return t, nil
}

// repeatRows returns a record of n rows repeating rec's, in Go memory
// (no Release needed).
func repeatRows(rec arrow.Record, n int) (arrow.Record, error) {
	var parts []arrow.Record
	for left := n; left > 0; left -= int(rec.NumRows()) {
		parts = append(parts, rec.NewSlice(0, int64(min(left, int(rec.NumRows())))))
	}
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	return concatRecords(parts)
}

// concatRecords copies records of one schema into one, in Go memory.
func concatRecords(parts []arrow.Record) (arrow.Record, error) {
	cols := make([]arrow.Array, parts[0].NumCols())
	rows := int64(0)
	for _, p := range parts {
		rows += p.NumRows()
	}
	for c := range cols {
		arrs := make([]arrow.Array, len(parts))
		for i, p := range parts {
			arrs[i] = p.Column(c)
		}
		var err error
		if cols[c], err = array.Concatenate(arrs, memory.NewGoAllocator()); err != nil {
			return nil, fmt.Errorf("copying rows: %w", err)
		}
	}
	return array.NewRecord(parts[0].Schema(), cols, rows), nil
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

// latencySample times t.groups groups of t.group batch-1 calls, records
// each group's time per call, and returns the sample's µs per call.
func (t *timer) latencySample() error {
	sample := int32(len(t.out.latency))
	start := time.Now()
	prev := start
	for range t.groups {
		if err := t.single(t.group); err != nil {
			return err
		}
		now := time.Now()
		t.out.groups = append(t.out.groups, micros(now.Sub(prev))/float64(t.group))
		t.out.groupSample = append(t.out.groupSample, sample)
		prev = now
	}
	t.out.latency = append(t.out.latency, micros(prev.Sub(start))/float64(t.group*t.groups))
	return nil
}

// throughputSample times t.batches batches: rows per second.
func (t *timer) throughputSample() error {
	start := time.Now()
	err := t.batched(t.batches)
	t.out.throughput = append(t.out.throughput, float64(t.batches*ThroughputBatch)/max(time.Since(start).Seconds(), 1e-9))
	return err
}

// predicted runs n ThroughputBatch-row Predict calls on t.rec.
func (t *timer) predicted(n int) error {
	var err error
	for range n {
		if t.dst, err = t.p.Predict(t.rec, t.dst); err != nil {
			return err
		}
	}
	return nil
}

// e2eSample times t.recs Predict calls: rows per second, Arrow in.
func (t *timer) e2eSample() error {
	start := time.Now()
	err := t.predicted(t.recs)
	t.out.e2e = append(t.out.e2e, float64(t.recs*ThroughputBatch)/max(time.Since(start).Seconds(), 1e-9))
	return err
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

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
	out := make([]timing, len(timers))
	group := 1
	for i, t := range timers {
		if err := t.calibrate(opts); err != nil {
			return nil, err
		}
		t.out = &out[i]
		group = max(group, t.group)
	}
	for _, t := range timers {
		// One group size for all: the timer's overhead per call is then the
		// same for every model.
		t.groups = max(1, t.groups*t.group/group)
		t.group = group
	}
	budget := opts.Budget / 2 * time.Duration(len(timers))
	if err := rounds(ctx, len(timers), opts, budget, func(i int) error { return timers[i].latencySample() }); err != nil {
		return nil, err
	}
	e2e := !slices.ContainsFunc(timers, func(t *timer) bool { return t.rec == nil })
	if e2e {
		budget /= 2
	}
	if err := rounds(ctx, len(timers), opts, budget, func(i int) error { return timers[i].throughputSample() }); err != nil {
		return nil, err
	}
	if e2e {
		if err := rounds(ctx, len(timers), opts, budget, func(i int) error { return timers[i].e2eSample() }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// calibrate warms up and sizes the groups and samples.
func (t *timer) calibrate(opts CostOptions) error {
	var err error
	if err = t.single(opts.Warmup); err == nil {
		t.group, err = calibrate(t.single, opts.GroupTarget)
	}
	if err == nil {
		t.groups, err = calibrate(func(n int) error { return t.single(n * t.group) }, opts.SampleTarget)
	}
	if err == nil {
		t.batches, err = calibrate(t.batched, opts.SampleTarget)
	}
	if err == nil && t.rec != nil {
		t.recs, err = calibrate(t.predicted, opts.SampleTarget)
	}
	return err
}

// rounds takes one sample of each of n models per round, the order
// reversed every other round, until the budget is spent.
func rounds(ctx context.Context, n int, opts CostOptions, budget time.Duration, sample func(i int) error) error {
	start := time.Now()
	for r := 0; r < opts.MaxSamples; r++ {
		if r >= opts.MinSamples && time.Since(start) >= budget {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for j := range n {
			i := j
			if r%2 == 1 {
				i = n - 1 - j
			}
			if err := sample(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// timingResampled gives a quantile of one model's timings on resamples of
// its samples (the units the counts refer to): a value counts as often as
// its sample was drawn.
type timingResampled struct {
	vals    []float64
	unit    []int32 // the sample of each value
	order   []int32 // values by ascending value
	perUnit []int64 // values per sample
}

// newTimingResampled prepares values of the given samples (unit nil: one
// value per sample), raised to floor where they are below it.
func newTimingResampled(vals []float64, unit []int32, samples int, floor float64) *timingResampled {
	if unit == nil {
		unit = make([]int32, len(vals))
		for i := range unit {
			unit[i] = int32(i)
		}
	}
	t := &timingResampled{vals: make([]float64, len(vals)), unit: unit, order: make([]int32, len(vals)),
		perUnit: make([]int64, samples)}
	for i, v := range vals {
		t.vals[i], t.order[i] = math.Max(v, floor), int32(i)
	}
	for _, u := range t.unit {
		t.perUnit[u]++
	}
	slices.SortFunc(t.order, func(a, b int32) int { return cmp.Compare(t.vals[a], t.vals[b]) })
	return t
}

// resampled prepares the timings of a cost metric, raised to floor:
// latency p99 from the call groups, latency p50 from the samples,
// throughput from its samples. n is the number of samples (units).
func (tm timing) resampled(metric string, floor float64) (r *timingResampled, n int) {
	switch metric {
	case CostLatencyP99:
		return newTimingResampled(tm.groups, tm.groupSample, len(tm.latency), floor), len(tm.latency)
	case CostRowsPerSec:
		return newTimingResampled(tm.throughput, nil, len(tm.throughput), floor), len(tm.throughput)
	case CostE2ERowsPerSec:
		return newTimingResampled(tm.e2e, nil, len(tm.e2e), floor), len(tm.e2e)
	}
	return newTimingResampled(tm.latency, nil, len(tm.latency), floor), len(tm.latency)
}

// timingQuantile is the quantile a cost metric takes of its timings.
var timingQuantile = map[string]float64{CostLatencyP50: 0.50, CostLatencyP99: 0.99, CostRowsPerSec: 0.50,
	CostE2ERowsPerSec: 0.50}

// isTiming reports whether a cost metric is timed (and so noisy), not a
// size.
func isTiming(metric string) bool {
	_, ok := timingQuantile[metric]
	return ok
}

// metric is the nearest-rank quantile of the weighted values, found by a
// scan from the nearer end (a p99 scans about 1% of the values).
func (t *timingResampled) metric(name string, w []uint8) float64 {
	var total int64
	for u, c := range w {
		total += int64(c) * t.perUnit[u]
	}
	if total == 0 {
		return math.NaN()
	}
	rank := max(int64(math.Ceil(float64(total)*timingQuantile[name])), 1) // from the bottom, 1-based
	var cum int64
	if rank <= total/2 {
		for _, i := range t.order {
			if cum += int64(w[t.unit[i]]); cum >= rank {
				return t.vals[i]
			}
		}
	}
	fromTop := total - rank + 1
	for k := len(t.order) - 1; k >= 0; k-- {
		i := t.order[k]
		if cum += int64(w[t.unit[i]]); cum >= fromTop {
			return t.vals[i]
		}
	}
	return t.vals[t.order[0]]
}
