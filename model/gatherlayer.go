package model

import (
	"sync"

	"github.com/refit-ml/refit/internal/gather"
)

// The first layer on sparse rows. When most features are one-hot (most
// slots of a dense row are zero), a Predictor computes the first layer as
// a gather: each output row is the bias plus the weight rows its slots
// name, scaled by their values (package internal/gather). The sums are
// formed in the same order as the dense kernels form them and skip only
// zero products, so the outputs are bit-identical to the dense path's.

// gatherMaxSlots is the largest share of a row's features that may be
// slots for the gather to be used: with more, the dense kernels, which
// vectorize across inputs too, are faster.
const gatherMaxSlots = 4 // SparseWidth ≤ NumFeatures / 4

// gatherer is a first layer that can run on sparse rows.
type gatherer interface {
	// gatherRows computes rows output rows into dst (rows×Out) from rows
	// sparse rows of k slots, with the caller's scratch sc.
	gatherRows(dst []float32, idx []int32, val []float32, k, rows int, sc *gatherScratch)
}

// transposed is a layer's float32 weights as [in][out], built on first
// use and shared by the copies WithThreads makes.
type transposed struct {
	once sync.Once
	w    []float32
}

// get returns the weights, building them with build on first use.
func (t *transposed) get(build func() []float32) []float32 {
	t.once.Do(func() { t.w = build() })
	return t.w
}

// transpose returns w (rows×cols, row-major) as cols×rows.
func transpose(w []float32, rows, cols int) []float32 {
	t := make([]float32, len(w))
	for r := range rows {
		for c, v := range w[r*cols : (r+1)*cols] {
			t[c*rows+r] = v
		}
	}
	return t
}

func (d *Dense) gatherRows(dst []float32, idx []int32, val []float32, k, rows int, _ *gatherScratch) {
	wt := d.gt.get(func() []float32 { return transpose(d.w, d.out, d.in) })
	gather.Rows(dst, d.out, wt, d.out, d.b, d.out, idx, val, k, rows, d.act == ReLU)
	if d.act != ReLU {
		d.act.apply(dst[:rows*d.out], d.out)
	}
}

func (s *Sparse) gatherRows(dst []float32, idx []int32, val []float32, k, rows int, _ *gatherScratch) {
	wt := s.gt.get(func() []float32 { return transpose(s.Weights(), s.out, s.in) })
	gather.Rows(dst, s.out, wt, s.out, s.b, s.out, idx, val, k, rows, s.act == ReLU)
	if s.act != ReLU {
		s.act.apply(dst[:rows*s.out], s.out)
	}
}

// usesGather reports whether a model with this preprocessing and first
// layer runs the first layer as a gather.
func usesGather(pre *Preprocessor, first Layer) bool {
	if _, ok := first.(gatherer); !ok {
		return false
	}
	return pre.SparseWidth()*gatherMaxSlots <= pre.NumFeatures()
}
