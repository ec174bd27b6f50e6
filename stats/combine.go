package stats

import (
	"fmt"
	"sync"
)

// Combiner is the accumulator contract of every statistic here, shaped
// like an Apache Beam CombineFn so the same accumulators run on one
// machine (see [Ordered]) and as a Beam combiner:
//
//   - CreateAccumulator returns an empty accumulator;
//   - AddInput adds one input (a batch of values, a record) to acc;
//   - MergeAccumulators adds other into acc; other is not used afterwards;
//   - ExtractOutput turns an accumulator into the result.
//
// Each returns the accumulator it changed, which may be acc itself.
// Accumulator state is exported and plain (encoding/json round-trips it),
// so partial accumulators can cross process boundaries.
type Combiner[A, I, O any] interface {
	CreateAccumulator() A
	AddInput(acc A, in I) (A, error)
	MergeAccumulators(acc, other A) (A, error)
	ExtractOutput(acc A) (O, error)
}

// Ordered accumulates the parts 0..n-1 of a dataset in parallel, one
// accumulator per part, and merges finished parts into the result in part
// order: part i is merged as soon as it and every part before it are done.
// The result therefore does not depend on scheduling (merges of sketches
// and floating-point sums are order-sensitive), and memory holds only the
// accumulators of parts in flight or finished early.
//
// Add and Done may be called from several goroutines at once, but the
// calls for one part must come from one goroutine at a time.
type Ordered[A, I, O any] struct {
	fn Combiner[A, I, O]

	mu   sync.Mutex
	accs map[int]A // started or finished, not merged yet
	done map[int]bool
	next int // the next part to merge
	out  A
	err  error
}

// NewOrdered returns a driver for fn.
func NewOrdered[A, I, O any](fn Combiner[A, I, O]) *Ordered[A, I, O] {
	return &Ordered[A, I, O]{fn: fn, accs: map[int]A{}, done: map[int]bool{}}
}

// acc returns part's accumulator, creating it on first use.
func (o *Ordered[A, I, O]) acc(part int) A {
	o.mu.Lock()
	defer o.mu.Unlock()
	a, ok := o.accs[part]
	if !ok {
		a = o.fn.CreateAccumulator()
		o.accs[part] = a
	}
	return a
}

// Add adds in to part's accumulator.
func (o *Ordered[A, I, O]) Add(part int, in I) error {
	a, err := o.fn.AddInput(o.acc(part), in)
	if err != nil {
		return err
	}
	o.mu.Lock()
	o.accs[part] = a
	o.mu.Unlock()
	return nil
}

// Done marks part finished (a part without inputs too) and merges every
// finished part that is next in order. The first part merged becomes the
// result's accumulator, so accumulators only ever merge later parts into
// earlier ones. After an error every later Done returns it.
func (o *Ordered[A, I, O]) Done(part int) error {
	o.acc(part) // a part without inputs still takes its turn
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return o.err
	}
	o.done[part] = true
	for o.done[o.next] {
		a := o.accs[o.next]
		if o.next == 0 {
			o.out = a
		} else if o.out, o.err = o.fn.MergeAccumulators(o.out, a); o.err != nil {
			return o.err
		}
		delete(o.accs, o.next)
		delete(o.done, o.next)
		o.next++
	}
	return nil
}

// Result extracts the output of parts 0..parts-1, which must all be done.
// With no parts it is the output of an empty accumulator.
func (o *Ordered[A, I, O]) Result(parts int) (O, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var zero O
	switch {
	case o.err != nil:
		return zero, o.err
	case o.next != parts:
		return zero, fmt.Errorf("stats: ordered result: %d of %d parts merged", o.next, parts)
	case parts == 0:
		return o.fn.ExtractOutput(o.fn.CreateAccumulator())
	}
	return o.fn.ExtractOutput(o.out)
}

// MomentsFn combines chunks of finite values into [Moments].
type MomentsFn struct{}

// CreateAccumulator returns empty moments.
func (MomentsFn) CreateAccumulator() *Moments { return &Moments{} }

// AddInput adds a chunk of finite values.
func (MomentsFn) AddInput(m *Moments, vals []float64) (*Moments, error) {
	m.AddFinite(vals)
	return m, nil
}

// MergeAccumulators merges o into m.
func (MomentsFn) MergeAccumulators(m, o *Moments) (*Moments, error) {
	m.Merge(o)
	return m, nil
}

// ExtractOutput returns the moments.
func (MomentsFn) ExtractOutput(m *Moments) (Moments, error) { return *m, nil }

// QuantilesFn combines chunks of finite values into a [Quantiles] sketch
// of top-level capacity K (DefaultQuantileK when 0).
type QuantilesFn struct{ K int }

// CreateAccumulator returns an empty sketch.
func (f QuantilesFn) CreateAccumulator() *Quantiles { return NewQuantiles(f.K) }

// AddInput adds a chunk of finite values.
func (QuantilesFn) AddInput(q *Quantiles, vals []float64) (*Quantiles, error) {
	q.Update(vals)
	return q, nil
}

// MergeAccumulators merges o into q.
func (QuantilesFn) MergeAccumulators(q, o *Quantiles) (*Quantiles, error) {
	q.Merge(o)
	return q, nil
}

// ExtractOutput returns the sketch's sorted view.
func (QuantilesFn) ExtractOutput(q *Quantiles) (SortedView, error) { return q.SortedView(), nil }
