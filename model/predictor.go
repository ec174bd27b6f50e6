package model

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
)

// Predictor runs a Model with reusable scratch buffers. It is not safe for
// concurrent use: use one per goroutine (or Model.Predict, which pools
// them). After the first batch of a given size it does not allocate.
type Predictor struct {
	m    *Model
	x    []float32 // features of one block
	a, b []float32 // ping-pong layer outputs
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
	for lo := 0; lo < rows; lo += blockRows {
		hi := min(lo+blockRows, rows)
		p.forward(x[lo*nf:hi*nf], hi-lo, dst[lo*ow:hi*ow])
	}
	return dst, nil
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
