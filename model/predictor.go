package model

import (
	"fmt"
	"runtime"

	"github.com/apache/arrow/go/v17/arrow"
)

// Predictor runs a Model with reusable scratch buffers. It is not safe for
// concurrent use: use one per goroutine (or Model.Predict, which pools
// them). After the first batch of a given size it does not allocate.
type Predictor struct {
	m    *Model
	x    []float32 // features of one block
	a, b []float32 // ping-pong layer outputs

	// For models with a layer built WithThreads(2) or more, Forward gives
	// the helper goroutine the second half of the blocks of a batch: each
	// block is computed exactly as on one goroutine (int8 layers quantize
	// their inputs per block), so the outputs do not depend on threading.
	helper *Predictor
	job    blockJob
	done   chan struct{}
}

// blockJob is the helper's share of a Forward call: rows [lo, hi) of x
// into dst.
type blockJob struct {
	p      *Predictor
	x, dst []float32
	lo, hi int
	nf, ow int
}

func (j *blockJob) runHelper() { j.p.forwardRows(j.x, j.dst, j.lo, j.hi, j.nf, j.ow) }

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
	for lo := 0; lo < rows; lo += blockRows {
		hi := min(lo+blockRows, rows)
		x, err := p.m.pre.TransformRows(rec, lo, hi, p.x)
		p.x = x
		if err != nil {
			return dst, err
		}
		p.forward(x, hi-lo, dst[lo*ow:hi*ow])
	}
	return dst, nil
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
	split := rows
	if blocks := (rows + blockRows - 1) / blockRows; blocks >= 2 && p.m.threads >= 2 && runtime.GOMAXPROCS(0) >= 2 {
		split = (blocks + 1) / 2 * blockRows
	}
	if split < rows && p.startHelper(x, dst, split, rows, nf, ow) {
		p.forwardRows(x, dst, 0, split, nf, ow)
		<-p.done
		p.job = blockJob{}
		return dst, nil
	}
	p.forwardRows(x, dst, 0, rows, nf, ow)
	return dst, nil
}

// startHelper hands rows [lo, hi) to the helper goroutine and reports
// whether it took them.
func (p *Predictor) startHelper(x, dst []float32, lo, hi, nf, ow int) bool {
	if p.helper == nil {
		p.helper, p.done = &Predictor{m: p.m}, make(chan struct{}, 1)
	}
	p.job = blockJob{p: p.helper, x: x, dst: dst, lo: lo, hi: hi, nf: nf, ow: ow}
	if !helpers.tryRun(&p.job, p.done) {
		p.job = blockJob{}
		return false
	}
	return true
}

// forwardRows runs rows [lo, hi) of x, lo a multiple of blockRows, block
// by block into dst.
func (p *Predictor) forwardRows(x, dst []float32, lo, hi, nf, ow int) {
	for ; lo < hi; lo += blockRows {
		end := min(lo+blockRows, hi)
		p.forward(x[lo*nf:end*nf], end-lo, dst[lo*ow:end*ow])
	}
}

// forward runs rows ≤ blockRows rows through the layers into out.
func (p *Predictor) forward(x []float32, rows int, out []float32) {
	need := blockRows * p.m.maxWidth
	if len(p.a) < need {
		p.a, p.b = make([]float32, need), make([]float32, need)
	}
	src, dst := x, p.a
	last := len(p.m.layers) - 1
	for i, l := range p.m.layers {
		if i == last {
			dst = out
		}
		l.Forward(dst[:rows*l.Out()], src, rows)
		src = dst
		if &dst[0] == &p.a[0] {
			dst = p.b
		} else {
			dst = p.a
		}
	}
	if p.m.spec.Task == TaskRegression {
		mean, std := float32(p.m.spec.TargetMean), float32(p.m.spec.TargetStd)
		for i, v := range out {
			out[i] = v*std + mean
		}
	}
}
