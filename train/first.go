package train

import (
	"sync"

	"github.com/refit-ml/refit/internal/gather"
	"gorgonia.org/tensor"
)

// first is the network's first layer, computed outside gorgonia's graph
// on the batch's sparse feature rows (see model.SparseRows): its output
// z = x·W + b is a gather of the weight rows the rows' slots name, and
// the gradient of W is dL/dz, which the graph computes, scattered back
// into those rows. Most flights features are one-hot, so this skips the
// products of zeros that a dense x·W would form. W and b are updated by
// adam: gorgonia's Adam solver, fused.
type first struct {
	in, out int
	w, b    *tensor.Dense // [in][out] and [1][out]
	gw, gb  *tensor.Dense // their gradients
	k       int           // slots per row
	idx     []int32       // batch × k: the batch's slots
	val     []float32
	z       []float32 // batch × out: the output, the graph's input
	rows    int       // batch rows
	threads int
	// relu applies max(z, 0) to the output, for a relu after the layer:
	// z then holds the activations, the graph's input, and backward takes
	// their gradient.
	relu bool
}

func newFirst(in, out, batch, k, threads int, w []float32) *first {
	f := &first{in: in, out: out, k: k, rows: batch, threads: max(threads, 1)}
	f.w = tensor.New(tensor.WithShape(in, out), tensor.WithBacking(w))
	f.b = tensor.New(tensor.WithShape(1, out), tensor.WithBacking(make([]float32, out)))
	f.gw = tensor.New(tensor.WithShape(in, out), tensor.WithBacking(make([]float32, in*out)))
	f.gb = tensor.New(tensor.WithShape(1, out), tensor.WithBacking(make([]float32, out)))
	f.idx = make([]int32, batch*k)
	f.val = make([]float32, batch*k)
	f.z = make([]float32, batch*out)
	return f
}

func (f *first) weights() []float32 { return f.w.Data().([]float32) }
func (f *first) bias() []float32    { return f.b.Data().([]float32) }

// forward computes z (or relu(z)) for every batch row (padding rows have
// value-0 slots, so their z is b), the rows split between the threads.
func (f *first) forward() {
	w, b := f.weights(), f.bias()
	f.parallel(f.rows, 1, func(lo, hi int) {
		gather.Rows(f.z[lo*f.out:], f.out, w, f.out, b, f.out, f.idx[lo*f.k:hi*f.k], f.val[lo*f.k:hi*f.k], f.k, hi-lo, f.relu)
	})
}

// backward adds the gradients of W and b given dz = dL/dz (batch × out;
// with relu, the gradient of the activations, which it turns into dL/dz
// in place), plus l2·W for an L2 penalty l2/2·ΣW². The outputs are split
// between the threads: each gradient is summed in the same order (rows,
// then slots) whatever the split, so the result does not depend on the
// thread count.
func (f *first) backward(dz []float32, l2 float32) {
	gw, gb, w := f.gw.Data().([]float32), f.gb.Data().([]float32), f.weights()
	if f.relu {
		gather.MaskPositive(dz, f.z)
	}
	f.parallel(f.out, 16, func(lo, hi int) {
		gather.ScatterAdd(gw, f.out, dz, f.out, f.idx, f.val, f.k, f.rows, lo, hi)
		gather.ColumnSums(gb, dz, f.out, f.rows, lo, hi)
		if l2 != 0 {
			for r := range f.in {
				g, v := gw[r*f.out+lo:r*f.out+hi], w[r*f.out+lo:r*f.out+hi]
				for j, x := range v {
					g[j] += l2 * x
				}
			}
		}
	})
}

// parallel calls fn on [0, n) split into f.threads contiguous parts whose
// bounds are multiples of align, concurrently.
func (f *first) parallel(n, align int, fn func(lo, hi int)) {
	parts := min(f.threads, max(n/max(align, 1), 1))
	if parts <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	lo := 0
	for p := range parts {
		hi := n
		if p < parts-1 {
			hi = (n * (p + 1) / parts) / align * align
		}
		if p < parts-1 {
			wg.Add(1)
			go func(lo, hi int) {
				defer wg.Done()
				fn(lo, hi)
			}(lo, hi)
		} else {
			fn(lo, hi)
		}
		lo = hi
	}
	wg.Wait()
}
