package model

import (
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
)

// Predictor runs a Model with reusable scratch buffers. It is not safe for
// concurrent use: use one per goroutine (or Model.Predict, which pools
// them). After the first batch of a given size it does not allocate.
type Predictor struct {
	m    *Model
	x    []float32  // features of one block
	sx   SparseRows // or its sparse features
	gs   gatherScratch
	q8   []*int8Tiles // int8 layers' scratch, by layer
	a, b []float32    // ping-pong layer outputs

	// For models with a layer built WithThreads(2) or more, Forward lets
	// the helper goroutine claim blocks of a batch too. Each block is
	// computed exactly as on one goroutine (int8 layers quantize their
	// inputs per block), so the outputs do not depend on who computed it.
	helper *Predictor
	job    blockJob
	done   chan struct{}
}

// minParallelBatchWork is the least work (rows × layerWork per row) for
// which Forward shares blocks with the helper: about 80 µs on one core.
// Smaller batches lose more to the hand-off than they gain.
const minParallelBatchWork = 16 << 20

// blockJob is one Forward or Predict call's blocks, claimed in order by
// the caller and the helper goroutine: whoever is free takes the next
// block, so a helper that wakes late, or shares its core with other
// processes, gets fewer blocks instead of delaying the call.
type blockJob struct {
	x, dst   []float32
	rec      arrow.Record // Predict's record; x is nil then
	rows     int
	nf, ow   int
	next     atomic.Int64 // next block to claim
	helperOf *Predictor   // scratch for the helper goroutine
	// the first failed block of each goroutine (caller, helper) and its
	// error; -1 for none
	failed [2]int
	errs   [2]error
}

// run computes blocks until none is left, with p's scratch; who is 0 for
// the caller, 1 for the helper. A goroutine stops at its first error.
func (j *blockJob) run(p *Predictor, who int) {
	for {
		b := int(j.next.Add(1) - 1)
		lo := b * blockRows
		if lo >= j.rows {
			return
		}
		hi := min(lo+blockRows, j.rows)
		if j.rec == nil {
			p.forward(j.x[lo*j.nf:hi*j.nf], hi-lo, j.dst[lo*j.ow:hi*j.ow])
			continue
		}
		if err := p.block(j.rec, lo, hi, j.dst[lo*j.ow:hi*j.ow]); err != nil {
			j.failed[who], j.errs[who] = b, err
			return
		}
	}
}

func (j *blockJob) runHelper() { j.run(j.helperOf, 1) }

// err is the error of the first failed block: every block before it was
// computed, so it is the error one goroutine would have met first.
func (j *blockJob) err() error {
	switch {
	case j.errs[0] == nil:
		return j.errs[1]
	case j.errs[1] == nil || j.failed[0] < j.failed[1]:
		return j.errs[0]
	}
	return j.errs[1]
}

// share runs the blocks of j on the caller and, if it is free, the
// helper goroutine.
func (p *Predictor) share(j *blockJob) error {
	if p.helper == nil {
		p.helper, p.done = &Predictor{m: p.m}, make(chan struct{}, 1)
	}
	j.helperOf = p.helper
	j.next.Store(0)
	j.failed, j.errs = [2]int{-1, -1}, [2]error{}
	helpers.enter()
	started := helpers.tryRun(j, p.done)
	j.run(p, 0)
	if started {
		<-p.done
	}
	helpers.leave()
	err := j.err()
	j.x, j.dst, j.rec, j.errs = nil, nil, nil, [2]error{}
	return err
}

// transformWork estimates the preprocessing of one input column of one
// row in the units of layerWork: about 20 ns.
const transformWork = 4 << 10

// parallel reports whether a batch of rows rows is worth sharing with
// the helper goroutine; transform says whether the batch is preprocessed
// too (Predict).
func (p *Predictor) parallel(rows int, transform bool) bool {
	work := p.m.work
	if transform {
		work += transformWork * len(p.m.pre.cols)
	}
	return rows > blockRows && p.m.threads >= 2 && rows*work >= minParallelBatchWork && runtime.GOMAXPROCS(0) >= 2
}

// NewPredictor returns a Predictor for m.
func (m *Model) NewPredictor() *Predictor { return &Predictor{m: m} }

// Predict predicts every row of rec into dst, grown if needed, and returns
// dst[:rows*OutputWidth()], row-major: binary, the probability of
// Labels()[1]; multiclass, one probability per class; regression, the
// predicted value. The caller owns dst; rec is only read during the call.
// Errors (a missing column, a wrong type) wrap ErrInvalidInput.
func (p *Predictor) Predict(rec arrow.Record, dst []float32) ([]float32, error) {
	rows := int(rec.NumRows())
	ow := p.m.OutputWidth()
	if cap(dst) < rows*ow {
		dst = make([]float32, rows*ow)
	}
	dst = dst[:rows*ow]
	if p.parallel(rows, true) {
		j := &p.job
		j.rec, j.x, j.dst, j.rows, j.ow = rec, nil, dst, rows, ow
		return dst, p.share(j)
	}
	for lo := 0; lo < rows; lo += blockRows {
		hi := min(lo+blockRows, rows)
		if err := p.block(rec, lo, hi, dst[lo*ow:hi*ow]); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// block transforms rows [lo, hi) of rec (at most blockRows) and runs them
// through the layers into out.
func (p *Predictor) block(rec arrow.Record, lo, hi int, out []float32) error {
	var err error
	if p.m.gather {
		if p.sx, err = p.m.pre.TransformSparse(rec, lo, hi, p.sx); err == nil {
			p.forwardSparse(p.sx.Idx, p.sx.Val, p.sx.Width, hi-lo, out)
		}
		return err
	}
	if p.x, err = p.m.pre.TransformRows(rec, lo, hi, p.x); err == nil {
		p.forward(p.x, hi-lo, out)
	}
	return err
}

// ForwardSparse runs the layers on sparse feature rows (as
// Preprocessor.TransformSparse makes them) and writes the predictions
// into dst like Predict. The outputs are Forward's on x.Dense. Errors (a
// width that is not the preprocessing's, an index out of range) wrap
// ErrInvalidInput.
func (p *Predictor) ForwardSparse(x SparseRows, dst []float32) ([]float32, error) {
	nf, ow, k := p.m.pre.NumFeatures(), p.m.OutputWidth(), p.m.pre.SparseWidth()
	if x.Rows < 0 || x.Width != k || len(x.Idx) != x.Rows*k || len(x.Val) != x.Rows*k {
		return dst, fmt.Errorf("model: forward: %w: %d rows of %d slots (%d indexes, %d values), want %d slots",
			ErrInvalidInput, x.Rows, x.Width, len(x.Idx), len(x.Val), k)
	}
	for _, f := range x.Idx {
		if uint(f) >= uint(nf) { // negative too
			return dst, fmt.Errorf("model: forward: %w: feature index %d of %d", ErrInvalidInput, f, nf)
		}
	}
	if cap(dst) < x.Rows*ow {
		dst = make([]float32, x.Rows*ow)
	}
	dst = dst[:x.Rows*ow]
	for lo := 0; lo < x.Rows; lo += blockRows {
		hi := min(lo+blockRows, x.Rows)
		p.forwardSparse(x.Idx[lo*k:hi*k], x.Val[lo*k:hi*k], k, hi-lo, dst[lo*ow:hi*ow])
	}
	return dst, nil
}

// forwardSparse runs rows ≤ blockRows sparse rows through the layers into
// out: the first layer as a gather if the model uses it, else on the
// dense rows.
func (p *Predictor) forwardSparse(idx []int32, val []float32, k, rows int, out []float32) {
	if !p.m.gather {
		sr := SparseRows{Idx: idx, Val: val, Rows: rows, Width: k}
		p.x = sr.Dense(p.m.pre.NumFeatures(), p.x)
		p.forward(p.x, rows, out)
		return
	}
	p.scratch()
	first := p.m.layers[0]
	if q, ok := first.(*Int8Dense); ok && len(p.m.layers) > 1 {
		if next, ok := q.fusesInto(p.m.layers[1]); ok {
			// the fused static path: the gather writes the second
			// layer's input codes, with no float rows in between
			p.runCodes(1, q.gatherCodes(next, &p.q8[1], idx, val, k, rows, &p.gs), rows, out)
			return
		}
	}
	dst := p.a
	if len(p.m.layers) == 1 {
		dst = out
	}
	first.(gatherer).gatherRows(dst[:rows*first.Out()], idx, val, k, rows, &p.gs)
	if len(p.m.layers) > 1 {
		p.run(1, dst[:rows*first.Out()], rows, out)
		return
	}
	p.finish(out)
}

// Forward runs the layers on a feature matrix x (rows×NumFeatures, as
// Preprocessor.Transform makes it) and writes the predictions into dst like
// Predict. It is for callers that already hold features, like training and
// evaluation code.
func (p *Predictor) Forward(x []float32, rows int, dst []float32) ([]float32, error) {
	nf, ow := p.m.pre.NumFeatures(), p.m.OutputWidth()
	if rows < 0 || len(x) != rows*nf {
		return dst, fmt.Errorf("model: forward: %w: %d values for %d rows of %d features",
			ErrInvalidInput, len(x), rows, nf)
	}
	if cap(dst) < rows*ow {
		dst = make([]float32, rows*ow)
	}
	dst = dst[:rows*ow]
	if !p.parallel(rows, false) {
		for lo := 0; lo < rows; lo += blockRows {
			hi := min(lo+blockRows, rows)
			p.forward(x[lo*nf:hi*nf], hi-lo, dst[lo*ow:hi*ow])
		}
		return dst, nil
	}
	j := &p.job
	j.x, j.rec, j.dst, j.rows, j.nf, j.ow = x, nil, dst, rows, nf, ow
	_ = p.share(j) // forward has no errors
	return dst, nil
}

// forward runs rows ≤ blockRows rows through the layers into out.
func (p *Predictor) forward(x []float32, rows int, out []float32) {
	p.scratch()
	p.run(0, x, rows, out)
}

// scratch makes sure the ping-pong buffers hold a block of the widest
// layer.
func (p *Predictor) scratch() {
	need := blockRows * p.m.maxWidth
	if len(p.a) < need {
		p.a, p.b = make([]float32, need), make([]float32, need)
	}
	if len(p.q8) != len(p.m.layers) {
		p.q8 = make([]*int8Tiles, len(p.m.layers))
	}
}

// run runs rows rows through layers first… of the model into out; src
// holds the rows' inputs to layer first (it may be p.a).
func (p *Predictor) run(first int, src []float32, rows int, out []float32) {
	p.runFrom(first, src, nil, rows, out)
}

// runCodes runs rows rows through layers first… into out, from the input
// codes of layer first (an Int8Dense) in codes.
func (p *Predictor) runCodes(first int, codes *int8Tiles, rows int, out []float32) {
	p.runFrom(first, nil, codes, rows, out)
}

// runFrom is run with layer first's input as floats in src, or as codes
// (when not nil).
func (p *Predictor) runFrom(first int, src []float32, codes *int8Tiles, rows int, out []float32) {
	dst := p.a
	if len(src) > 0 && &src[0] == &p.a[0] {
		dst = p.b
	}
	last := len(p.m.layers) - 1
	for i := first; i <= last; i++ {
		l := p.m.layers[i]
		if i == last {
			dst = out
		}
		if q, ok := l.(*Int8Dense); ok {
			var next *Int8Dense
			if i < last {
				next, _ = q.fusesInto(p.m.layers[i+1])
			}
			if next != nil && i+1 == last && rows >= 4 && q.pairs(next) { // fewer rows: the 1-row tiles are cheaper
				q.stepPair(out[:rows], src, codes, rows, next, &p.q8[i])
				break
			}
			var nextOwn **int8Tiles
			if next != nil {
				nextOwn = &p.q8[i+1]
			}
			if codes = q.step(dst[:rows*l.Out()], src, codes, rows, next, &p.q8[i], nextOwn); codes != nil {
				continue
			}
		} else {
			l.Forward(dst[:rows*l.Out()], src, rows)
		}
		src = dst
		if &dst[0] == &p.a[0] {
			dst = p.b
		} else {
			dst = p.a
		}
	}
	p.finish(out)
}

// finish undoes the standardization of a regression target in out.
func (p *Predictor) finish(out []float32) {
	if p.m.spec.Task == TaskRegression {
		mean, std := float32(p.m.spec.TargetMean), float32(p.m.spec.TargetStd)
		for i, v := range out {
			out[i] = v*std + mean
		}
	}
}
