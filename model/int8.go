package model

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Int8Dense is a fully connected layer with int8 weights: y = act(x·Wᵀ + b)
// where W[o][k] = Q[o][k]·Scale[o] (symmetric, per output channel, Q in
// −127..127). Inputs are quantized per call to 7-bit codes with one scale
// and zero point for the whole batch (dynamic), or with a fixed pair from
// calibration (static, see NewInt8Dense); products are summed in int32
// and dequantized, biased and passed through a relu in one fused step.
// Other activations run after it in float32; a sigmoid is the fast
// float32 one of sigmoid.go (within 1e-6 of the exact function).
//
// With dynamic quantization a row's output depends slightly on the other
// rows of its batch (they share the input range); static quantization
// makes every row independent of its batch.
type Int8Dense struct {
	in, out int
	q       []int8    // [out][in]
	scale   []float32 // per output
	b       []float32
	act     Activation
	// static input quantization; inScale 0 means dynamic
	inScale, inZero float32
	threads         int

	kp, nb   int       // inputs rounded up to 4; blocks of 16 outputs
	packed   []int8    // [nb][kp/4][16][4]
	wsum     []int32   // Σ_k Q[o][k], padded to nb·16
	scalePad []float32 // scale padded to nb·16
	bpad     []float32 // b padded to nb·16
	pool     *sync.Pool
	gt       *int8Gather // Q laid out for the gather
}

// Int8Options are the optional parts of an Int8Dense.
type Int8Options struct {
	// InputScale and InputZero fix the input quantization (static): code =
	// round(x/InputScale + InputZero) clamped to 0..127. InputZero must be
	// an integer in 0..127. Defaults to 0: dynamic, from each batch's
	// minimum and maximum.
	InputScale, InputZero float32
}

// NewInt8Dense returns an int8 layer. q has out*in values, row-major
// [out][in], in −127..127; scale and b have out values (scales finite and
// ≥ 0). All are copied. Errors wrap ErrInvalidInput.
func NewInt8Dense(in, out int, q []int8, scale, b []float32, act Activation, opts Int8Options) (*Int8Dense, error) {
	switch {
	case in <= 0 || out <= 0:
		return nil, fmt.Errorf("model: int8 layer: %w: shape %dx%d", ErrInvalidInput, out, in)
	case len(q) != in*out || len(scale) != out || len(b) != out:
		return nil, fmt.Errorf("model: int8 layer %dx%d: %w: %d weights, %d scales, %d biases",
			out, in, ErrInvalidInput, len(q), len(scale), len(b))
	case !act.valid():
		return nil, fmt.Errorf("model: int8 layer: %w: unknown activation %q", ErrInvalidInput, act)
	case !allFinite(scale) || !allFinite(b) || slices.ContainsFunc(scale, func(s float32) bool { return s < 0 }):
		return nil, fmt.Errorf("model: int8 layer %dx%d: %w: non-finite parameter or negative scale", out, in, ErrInvalidInput)
	case slices.Contains(q, -128):
		return nil, fmt.Errorf("model: int8 layer %dx%d: %w: weight -128 (use -127..127)", out, in, ErrInvalidInput)
	case !validStatic(opts):
		return nil, fmt.Errorf("model: int8 layer %dx%d: %w: input scale %v zero %v", out, in, ErrInvalidInput,
			opts.InputScale, opts.InputZero)
	}
	l := &Int8Dense{in: in, out: out, q: slices.Clone(q), scale: slices.Clone(scale), b: slices.Clone(b),
		act: act, inScale: opts.InputScale, inZero: opts.InputZero, threads: 1}
	l.pack()
	return l, nil
}

func validStatic(o Int8Options) bool {
	if o.InputScale == 0 {
		return o.InputZero == 0
	}
	return o.InputScale > 0 && !math.IsInf(float64(o.InputScale), 0) &&
		o.InputZero >= 0 && o.InputZero <= 127 && o.InputZero == float32(math.Trunc(float64(o.InputZero)))
}

// pack lays the weights out for the tiles.
func (l *Int8Dense) pack() {
	l.kp = (l.in + 3) &^ 3
	l.nb = (l.out + blockOut - 1) / blockOut
	n := l.nb * blockOut
	l.packed = make([]int8, l.nb*l.kp*blockOut)
	l.wsum, l.scalePad, l.bpad = make([]int32, n), make([]float32, n), make([]float32, n)
	for o := range l.out {
		blk, lane := o/blockOut, o%blockOut
		for k := range l.in {
			v := l.q[o*l.in+k]
			l.packed[blk*l.kp*blockOut+(k/4)*4*blockOut+lane*4+k%4] = v
			l.wsum[o] += int32(v)
		}
	}
	copy(l.scalePad, l.scale)
	copy(l.bpad, l.b)
	l.pool = &sync.Pool{}
	l.gt = &int8Gather{}
}

// WithThreads returns a copy of l that may use a second goroutine, a
// helper shared by the process, for large batches: Forward splits batches
// of at least 128 rows and 2 M multiply-adds between the caller and the
// helper, and a Predictor of a model with such a layer shares the 256-row
// blocks of batches of about 80 µs of work or more. Outputs are the same
// as on one goroutine. The helper serves one call at a time; other calls
// run on their own goroutine meanwhile. n ≤ 1 (the default) keeps every
// call on the caller's goroutine; n > 2 is treated as 2.
func (l *Int8Dense) WithThreads(n int) *Int8Dense {
	c := *l
	c.threads = max(n, 1)
	c.pool = &sync.Pool{}
	return &c
}

// In is the input width.
func (l *Int8Dense) In() int { return l.in }

// Out is the output width.
func (l *Int8Dense) Out() int { return l.out }

// Activation is the activation after the affine map.
func (l *Int8Dense) Activation() Activation { return l.act }

// Quantized returns Q, row-major [out][in]. It is shared: do not modify it.
func (l *Int8Dense) Quantized() []int8 { return l.q }

// Scales returns the per-output weight scales. Shared: do not modify.
func (l *Int8Dense) Scales() []float32 { return l.scale }

// Bias returns b. It is shared: do not modify it.
func (l *Int8Dense) Bias() []float32 { return l.b }

// Options returns the input quantization (zero for dynamic).
func (l *Int8Dense) Options() Int8Options {
	return Int8Options{InputScale: l.inScale, InputZero: l.inZero}
}

// NumParams is out*in + out, like the float layer it replaces.
func (l *Int8Dense) NumParams() int { return len(l.q) + len(l.b) }

// NonZeros counts the non-zero weights and biases.
func (l *Int8Dense) NonZeros() int {
	n := countNonZero(l.b)
	for _, v := range l.q {
		if v != 0 {
			n++
		}
	}
	return n
}

// Dequantized returns the float32 weights Q[o][k]·Scale[o], [out][in].
func (l *Int8Dense) Dequantized() []float32 {
	w := make([]float32, len(l.q))
	for i, v := range l.q {
		w[i] = float32(v) * l.scale[i/l.in]
	}
	return w
}

// Forward computes act(src·Wᵀ + b) for rows rows.
func (l *Int8Dense) Forward(dst, src []float32, rows int) {
	if rows > 0 {
		l.step(dst, src, nil, rows, nil, nil, nil)
	}
}

// step runs the layer on rows rows. Its input is the floats src, or, if
// in is not nil, the codes in in.xq (quantized with in.args.zp and sx by
// the previous layer, which took in from l's pool). With next not nil
// (see fusesInto) the outputs go as next's input codes into scratch from
// next's pool, which step returns; otherwise into dst, and step returns
// nil. own and nextOwn, when not nil, hold a caller's scratch for l and
// next (a Predictor's, saving the pool's Get and Put per layer and call);
// otherwise the scratch comes from the layers' pools.
func (l *Int8Dense) step(dst, src []float32, in *int8Tiles, rows int, next *Int8Dense, own, nextOwn **int8Tiles) *int8Tiles {
	t := l.input(src, in, rows, own)
	t.args.floor = actFloor(l.act)
	if next != nil {
		nt := next.tilesFor(nextOwn, rows)
		nt.args.zp, nt.args.sx = int32(next.inZero), next.inScale
		t.args.codes, t.args.qinv, t.args.qzp = 1, 1/next.inScale, next.inZero
		t.qy, t.ldy = nt.xq, l.out
		t.args.ldy = t.ldy
		l.run(t, rows)
		t.qy, t.args.codes = nil, 0
		if own == nil {
			l.pool.Put(t)
		}
		return nt
	}
	t.y, t.ldy = dst, l.out
	if l.out%blockOut != 0 {
		t.y, t.ldy = t.ybuf, l.nb*blockOut
	}
	t.args.ldy = 4 * t.ldy
	l.run(t, rows)
	if l.out%blockOut != 0 {
		for r := range rows {
			copy(dst[r*l.out:(r+1)*l.out], t.ybuf[r*t.ldy:])
		}
	}
	t.y = nil
	if own == nil {
		l.pool.Put(t)
	}
	applyAct(l.act, dst[:rows*l.out], l.out)
	return nil
}

// fusesInto reports whether l can write its outputs directly as next's
// input codes: next quantizes its inputs statically, l's outputs need no
// activation after the fused relu, fill whole blocks of 16 (so the codes
// are next's rows without padding), and the kernel has a codes epilogue
// (Go and AVX-512 VNNI; AVX2 goes through float32).
func (l *Int8Dense) fusesInto(next Layer) (*Int8Dense, bool) {
	n, ok := next.(*Int8Dense)
	if !ok || n.inScale == 0 || (l.act != ReLU && l.act != Identity) || l.out%blockOut != 0 ||
		kernelISA == isaAVX2 || n.in != l.out {
		return nil, false
	}
	return n, true
}

// tiles returns scratch for rows rows from the pool.
func (l *Int8Dense) tiles(rows int) *int8Tiles {
	t, _ := l.pool.Get().(*int8Tiles)
	if t == nil {
		t = l.newTiles()
	}
	return l.grow(t, rows)
}

// tilesFor returns the scratch in *own (made for l if it is not yet), or
// with own nil, from the pool.
func (l *Int8Dense) tilesFor(own **int8Tiles, rows int) *int8Tiles {
	if own == nil {
		return l.tiles(rows)
	}
	if *own == nil || (*own).l != l {
		*own = l.newTiles()
	}
	return l.grow(*own, rows)
}

func (l *Int8Dense) newTiles() *int8Tiles {
	t := &int8Tiles{l: l, done: make(chan struct{}, 1)}
	t.args.ldx, t.args.k4, t.args.wstride = l.kp, l.kp/4, l.kp*blockOut
	return t
}

// grow makes t hold rows rows.
func (l *Int8Dense) grow(t *int8Tiles, rows int) *int8Tiles {
	if len(t.xq) < rows*l.kp {
		t.xq = make([]uint8, rows*l.kp)
		if l.out%blockOut != 0 {
			t.ybuf = make([]float32, rows*l.nb*blockOut)
		}
	}
	return t
}

func (l *Int8Dense) quantizeInput(t *int8Tiles, src []float32, rows int, inv, zp float32) {
	if l.kp == l.in {
		quantize(kernelISA, t.xq[:rows*l.in], src, inv, zp)
		return
	}
	for r := range rows {
		quantize(kernelISA, t.xq[r*l.kp:r*l.kp+l.in], src[r*l.in:(r+1)*l.in], inv, zp)
	}
}

// minParallelRows is the smallest batch an Int8Dense splits across
// goroutines, and minParallelMACs the least work (rows·in·out) worth a
// hand-off to the helper: below about 10 µs of work the hand-off costs
// more than it saves.
const (
	minParallelRows = 128
	minParallelMACs = 2 << 20
)

// run computes the rows, on two goroutines when the layer allows it, the
// batch is large enough and the helper is free.
func (l *Int8Dense) run(t *int8Tiles, rows int) {
	if l.threads < 2 || rows < minParallelRows || rows*l.in*l.out < minParallelMACs || runtime.GOMAXPROCS(0) < 2 {
		runTiles(kernelISA, t, 0, rows)
		return
	}
	half := (rows / 2) &^ 3
	if t.helper == nil {
		t.helper = new(int8Tiles)
	}
	h := t.helper
	*h = *t
	h.helper, h.lo, h.hi = nil, half, rows
	helpers.enter()
	defer helpers.leave()
	if !helpers.tryRun(h, t.done) {
		runTiles(kernelISA, t, 0, rows)
		return
	}
	runTiles(kernelISA, t, 0, half)
	<-t.done
}

// runHelper computes rows [lo, hi) on the helper goroutine.
func (t *int8Tiles) runHelper() { runTiles(kernelISA, t, t.lo, t.hi) }

// threadCount is the number of goroutines the layer may use.
func (l *Int8Dense) threadCount() int { return l.threads }
