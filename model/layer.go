package model

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Layer is one step of a model's forward pass. Implementations are
// immutable and safe for concurrent use. The float32 Dense layer is the
// first; sparse and int8 layers implement the same interface. The last
// layer of a classifier must also have an Activation() Activation method
// (New checks for a sigmoid or softmax head), and a layer can only be
// saved if Encode knows its type.
type Layer interface {
	// In and Out are the widths of the input and output rows.
	In() int
	Out() int
	// Forward computes rows output rows into dst (rows×Out, row-major)
	// from src (rows×In). The caller guarantees the lengths and that dst
	// and src do not overlap.
	Forward(dst, src []float32, rows int)
	// NumParams counts the stored parameters; NonZeros counts those that
	// are not zero (after pruning it is smaller).
	NumParams() int
	NonZeros() int
}

// Activation is the elementwise or row-wise function after a layer. Each
// maps to one ONNX operator.
type Activation string

// The activations.
const (
	Identity Activation = "identity" // no ONNX node
	ReLU     Activation = "relu"     // Relu
	Tanh     Activation = "tanh"     // Tanh
	Sigmoid  Activation = "sigmoid"  // Sigmoid
	Softmax  Activation = "softmax"  // Softmax(axis=-1)
)

func (a Activation) valid() bool {
	switch a {
	case Identity, ReLU, Tanh, Sigmoid, Softmax:
		return true
	}
	return false
}

// apply runs the activation in place on rows of width out.
func (a Activation) apply(y []float32, out int) {
	switch a {
	case ReLU:
		for i, v := range y {
			y[i] = max(v, 0)
		}
	case Tanh:
		for i, v := range y {
			y[i] = float32(math.Tanh(float64(v)))
		}
	case Sigmoid:
		for i, v := range y {
			y[i] = sigmoid(v)
		}
	case Softmax:
		for r := 0; r+out <= len(y); r += out {
			softmax(y[r : r+out])
		}
	}
}

// sigmoid is 1/(1+e^-x), computed without overflow for large |x|.
func sigmoid(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}

// softmax normalizes one row in place, subtracting the maximum first so
// exp never overflows.
func softmax(row []float32) {
	m := row[0]
	for _, v := range row[1:] {
		m = max(m, v)
	}
	var sum float64
	for i, v := range row {
		e := math.Exp(float64(v - m))
		row[i] = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for i := range row {
		row[i] *= inv
	}
}

// Dense is a fully connected float32 layer: y = act(x·Wᵀ + b), the ONNX
// Gemm(transB=1) followed by the activation. W is row-major [out][in] (the
// safetensors/PyTorch layout); where the assembly kernel runs, NewDense
// also keeps a copy packed for it (see packPanels).
type Dense struct {
	in, out int
	w, b    []float32
	act     Activation
	threads int
	panels  []float32   // W packed for the assembly tiles, nil without them
	bpad    []float32   // b padded to whole panels
	pool    *sync.Pool  // of *denseJob, for WithThreads
	gt      *transposed // W as [in][out], for the gather
}

// NewDense returns a dense layer. w has out*in values, row-major
// [out][in]; b has out values. Both are copied. Weights must be finite.
// Errors wrap ErrInvalidInput.
func NewDense(in, out int, w, b []float32, act Activation) (*Dense, error) {
	switch {
	case in <= 0 || out <= 0:
		return nil, fmt.Errorf("model: dense layer: %w: shape %dx%d", ErrInvalidInput, out, in)
	case len(w) != in*out || len(b) != out:
		return nil, fmt.Errorf("model: dense layer %dx%d: %w: %d weights and %d biases",
			out, in, ErrInvalidInput, len(w), len(b))
	case !act.valid():
		return nil, fmt.Errorf("model: dense layer: %w: unknown activation %q", ErrInvalidInput, act)
	case !allFinite(w) || !allFinite(b):
		return nil, fmt.Errorf("model: dense layer %dx%d: %w: non-finite parameter", out, in, ErrInvalidInput)
	}
	d := &Dense{in: in, out: out, w: slices.Clone(w), b: slices.Clone(b), act: act, threads: 1, gt: &transposed{}}
	if detectDense() != denseGo {
		d.panels, d.bpad = packPanels(d.w, d.b, in, out)
	}
	return d, nil
}

// WithThreads returns a copy of d that may use a second goroutine, a
// helper shared by the process, for large batches: Forward splits batches
// of at least 128 rows and 2 M multiply-adds between the caller and the
// helper, and a Predictor of a model with such a layer shares the 256-row
// blocks of batches of about 80 µs of work or more. Outputs are the same
// as on one goroutine. The helper serves one call at a time; other calls
// run on their own goroutine meanwhile. n ≤ 1 (the default) keeps every
// call on the caller's goroutine; n > 2 is treated as 2.
func (d *Dense) WithThreads(n int) *Dense {
	c := *d
	c.threads = max(n, 1)
	c.pool = &sync.Pool{}
	return &c
}

// threadCount is the number of goroutines the layer may use.
func (d *Dense) threadCount() int { return d.threads }

func allFinite(v []float32) bool {
	for _, x := range v {
		if x-x != 0 { // NaN or ±Inf
			return false
		}
	}
	return true
}

// In is the input width.
func (d *Dense) In() int { return d.in }

// Out is the output width.
func (d *Dense) Out() int { return d.out }

// Activation is the activation after the affine map.
func (d *Dense) Activation() Activation { return d.act }

// Weights returns W, row-major [out][in]. It is shared: do not modify it.
func (d *Dense) Weights() []float32 { return d.w }

// Bias returns b. It is shared: do not modify it.
func (d *Dense) Bias() []float32 { return d.b }

// NumParams is out*in + out.
func (d *Dense) NumParams() int { return len(d.w) + len(d.b) }

// NonZeros counts the non-zero weights and biases.
func (d *Dense) NonZeros() int { return countNonZero(d.w) + countNonZero(d.b) }

func countNonZero(v []float32) int {
	n := 0
	for _, x := range v {
		if x != 0 {
			n++
		}
	}
	return n
}

// Forward computes act(src·Wᵀ + b) for rows rows.
func (d *Dense) Forward(dst, src []float32, rows int) {
	dst, src = dst[:rows*d.out], src[:rows*d.in]
	if d.threads < 2 || rows < minParallelRows || rows*d.in*d.out < minParallelMACs || runtime.GOMAXPROCS(0) < 2 {
		d.forwardRows(dst, src, 0, rows)
		return
	}
	d.split(dst, src, rows)
}

// forwardRows computes output rows [lo, hi), activation included, with the
// assembly tiles if there are any, else with gemmBias.
func (d *Dense) forwardRows(dst, src []float32, lo, hi int) {
	k := denseKernel
	y := dst[lo*d.out : hi*d.out]
	if k == denseGo || d.panels == nil {
		gemmBias(y, src[lo*d.in:hi*d.in], d.w, d.b, hi-lo, d.in, d.out)
		d.act.apply(y, d.out)
		return
	}
	runDense(k, d, dst, src, lo, hi)
	if d.act != ReLU { // the tiles fuse the relu
		d.act.apply(y, d.out)
	}
}

// denseJob is the helper goroutine's share of one Forward call.
type denseJob struct {
	d        *Dense
	dst, src []float32
	lo, hi   int
	done     chan struct{}
}

func (j *denseJob) runHelper() { j.d.forwardRows(j.dst, j.src, j.lo, j.hi) }

// split computes the rows on two goroutines if the helper is free: the
// helper takes the second half.
func (d *Dense) split(dst, src []float32, rows int) {
	j, _ := d.pool.Get().(*denseJob)
	if j == nil {
		j = &denseJob{d: d, done: make(chan struct{}, 1)}
	}
	half := (rows / 2) &^ 3
	j.dst, j.src, j.lo, j.hi = dst, src, half, rows
	helpers.enter()
	if helpers.tryRun(j, j.done) {
		d.forwardRows(dst, src, 0, half)
		<-j.done
	} else {
		d.forwardRows(dst, src, 0, rows)
	}
	helpers.leave()
	j.dst, j.src = nil, nil
	d.pool.Put(j)
}
