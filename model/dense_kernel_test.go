package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// withDense runs fn with the float32 dense kernel switched to k.
func withDense(k denseISA, fn func()) {
	old := denseKernel
	denseKernel = k
	defer func() { denseKernel = old }()
	fn()
}

// denseISAs lists every float32 dense kernel, whether or not the CPU runs
// it.
func denseISAs() []denseISA { return []denseISA{denseGo, denseAVX2, denseAVX512} }

// skipUnlessDense skips t if the CPU (or the build) lacks kernel k.
func skipUnlessDense(t testing.TB, k denseISA) {
	t.Helper()
	if k > detectDense() {
		t.Skipf("the %v kernel needs a CPU feature this one lacks (or the purego tag is set); detected %v", k, detectDense())
	}
}

// denseValue is a random value that is mostly normal, sometimes an exact
// zero, a negative zero, a denormal or a large value.
func denseValue(r *rand.Rand) float32 {
	switch r.IntN(12) {
	case 0:
		return 0
	case 1:
		return float32(math.Copysign(0, -1))
	case 2:
		return float32(r.NormFloat64() * 1e-39) // denormal
	case 3:
		return float32(r.NormFloat64() * 1e-20) // products underflow
	case 4:
		return float32(r.NormFloat64() * 1e15)
	}
	return float32(r.NormFloat64())
}

func denseValues(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = denseValue(r)
	}
	return v
}

// denseReference is the Go kernel's output: gemmBias, then the
// activation.
func denseReference(d *Dense, x []float32, rows int) []float32 {
	y := make([]float32, rows*d.out)
	gemmBias(y, x, d.w, d.b, rows, d.in, d.out)
	d.act.apply(y, d.out)
	return y
}

// sameBits returns the first index where got and want differ in their
// bits, or -1.
func sameBits(got, want []float32) int {
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			return i
		}
	}
	return -1
}

// forwardGuarded runs d.Forward into a destination with guard values
// after the rows and fails if the kernel writes past them.
func forwardGuarded(t *testing.T, d *Dense, x []float32, rows int) []float32 {
	t.Helper()
	const guard = 37
	dst := make([]float32, rows*d.out+guard)
	for i := range dst {
		dst[i] = -12345
	}
	d.Forward(dst, x, rows)
	for i, v := range dst[rows*d.out:] {
		if v != -12345 {
			t.Fatalf("Forward wrote %v at %d past the last row", v, i)
		}
	}
	return dst[:rows*d.out]
}

var allActivations = []Activation{Identity, ReLU, Tanh, Sigmoid, Softmax}

// TestDensePathsIdentical: every dense kernel gives outputs bit-identical
// to gemmBias and the Go activation on every shape, ragged tails of rows
// and outputs included, for every activation.
func TestDensePathsIdentical(t *testing.T) {
	ins := []int{1, 3, 7, 16, 17, 75, 128, 255}
	outs := []int{1, 2, 15, 16, 17, 33, 50, 64, 100, 256}
	rowss := []int{1, 2, 3, 4, 5, 7, 8, 13, 37, 256}
	for _, k := range denseISAs() {
		t.Run(k.String(), func(t *testing.T) {
			skipUnlessDense(t, k)
			r := rand.New(rand.NewPCG(3, 4))
			for _, in := range ins {
				xs := denseValues(r, slices.Max(rowss)*in)
				for _, out := range outs {
					w, b := denseValues(r, in*out), denseValues(r, out)
					for _, act := range allActivations {
						d, err := NewDense(in, out, w, b, act)
						if err != nil {
							t.Fatal(err)
						}
						for _, rows := range rowss {
							x := xs[:rows*in]
							want := denseReference(d, x, rows)
							var got []float32
							withDense(k, func() { got = forwardGuarded(t, d, x, rows) })
							if i := sameBits(got, want); i >= 0 {
								t.Fatalf("in=%d out=%d rows=%d %s: y[%d][%d] = %v (%#x), want %v (%#x)",
									in, out, rows, act, i/out, i%out, got[i], math.Float32bits(got[i]),
									want[i], math.Float32bits(want[i]))
							}
						}
					}
				}
			}
		})
	}
}

// TestDenseSpecialInputs: inputs with infinities, huge values and NaNs
// give the same bits on every path too, relu of a NaN included, as long
// as one NaN can arise: the x86 default NaN, which Inf·0 and Inf−Inf make.
// When two different NaNs meet in a sum, which one survives depends on
// the operand order the Go compiler picks for s += x·w (the Go spec
// leaves it open, and it differs under -race), so with NaNs of several
// payloads only NaN-ness is compared.
func TestDenseSpecialInputs(t *testing.T) {
	inf, defaultNaN := float32(math.Inf(1)), math.Float32frombits(0xffc00000)
	cases := []struct {
		name     string
		specials []float32
		exact    bool
	}{
		{"inf", []float32{inf, -inf, 3e38, -3e38}, true},
		{"default NaN", []float32{inf, -inf, 3e38, defaultNaN}, true},
		{"NaN payloads", []float32{inf, -inf, float32(math.NaN()),
			math.Float32frombits(0x7fc12345), math.Float32frombits(0xffc54321)}, false},
	}
	for _, k := range denseISAs() {
		t.Run(k.String(), func(t *testing.T) {
			skipUnlessDense(t, k)
			r := rand.New(rand.NewPCG(5, 6))
			for _, c := range cases {
				nans := 0
				for _, s := range [][3]int{{1, 7, 33}, {5, 16, 17}, {13, 75, 64}, {37, 17, 2}} {
					rows, in, out := s[0], s[1], s[2]
					x := denseValues(r, rows*in)
					for i := range x {
						if r.IntN(8) == 0 {
							x[i] = c.specials[r.IntN(len(c.specials))]
						}
					}
					for _, act := range allActivations {
						d, err := NewDense(in, out, denseValues(r, in*out), denseValues(r, out), act)
						if err != nil {
							t.Fatal(err)
						}
						want := denseReference(d, x, rows)
						var got []float32
						withDense(k, func() { got = forwardGuarded(t, d, x, rows) })
						if i := firstMismatch(got, want, c.exact); i >= 0 {
							t.Fatalf("%s %v %s: y[%d] = %#x, want %#x", c.name, s, act, i,
								math.Float32bits(got[i]), math.Float32bits(want[i]))
						}
						nans += countNaN(want)
					}
				}
				if nans == 0 && c.name != "inf" {
					t.Errorf("%s: no NaN outputs to compare", c.name)
				}
			}
		})
	}
}

func countNaN(v []float32) int {
	n := 0
	for _, x := range v {
		if x != x {
			n++
		}
	}
	return n
}

// firstMismatch is sameBits, except that without exact any NaN matches
// any NaN.
func firstMismatch(got, want []float32, exact bool) int {
	for i := range want {
		g, w := got[i], want[i]
		if math.Float32bits(g) != math.Float32bits(w) && (exact || g == g || w == w) {
			return i
		}
	}
	return -1
}

// TestDenseZeroAllocs: Forward allocates nothing, on every path.
func TestDenseZeroAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	d, err := NewDense(75, 33, randVec(r, 75*33), randVec(r, 33), ReLU)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range denseISAs() {
		t.Run(k.String(), func(t *testing.T) {
			skipUnlessDense(t, k)
			for _, rows := range []int{1, 37} {
				x, y := randVec(r, rows*75), make([]float32, rows*33)
				withDense(k, func() {
					if n := testing.AllocsPerRun(50, func() { d.Forward(y, x, rows) }); n != 0 {
						t.Errorf("rows=%d: %v allocations per Forward", rows, n)
					}
				})
			}
		})
	}
}

// TestDenseThreadsIdentical: a layer built WithThreads(2) splits large
// batches with the helper goroutine and gives the same bits, and a model
// with it lets its Predictor use two goroutines.
func TestDenseThreadsIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	one, err := NewDense(128, 256, randVec(r, 128*256), randVec(r, 256), ReLU)
	if err != nil {
		t.Fatal(err)
	}
	two := one.WithThreads(2)
	if one.threadCount() != 1 || two.threadCount() != 2 || one.WithThreads(0).threadCount() != 1 {
		t.Fatalf("threads %d and %d, want 1 and 2", one.threadCount(), two.threadCount())
	}
	for _, k := range denseISAs() {
		t.Run(k.String(), func(t *testing.T) {
			skipUnlessDense(t, k)
			for _, rows := range []int{1, 127, 128, 131, 256, 1100} {
				x := randVec(r, rows*128)
				want := denseReference(one, x, rows)
				got := make([]float32, rows*256)
				withDense(k, func() {
					for range 3 { // the pooled job is reused across calls
						two.Forward(got, x, rows)
					}
				})
				if i := sameBits(got, want); i >= 0 {
					t.Fatalf("rows=%d: y[%d] = %v with 2 threads, want %v", rows, i, got[i], want[i])
				}
			}
		})
	}
	m := benchModel(t, 80, 32)
	var layers []Layer
	for _, l := range m.Layers() {
		layers = append(layers, l.(*Dense).WithThreads(2))
	}
	m2, err := New(m.Spec(), m.Preprocessor(), layers)
	if err != nil {
		t.Fatal(err)
	}
	if m.threads != 1 || m2.threads != 2 {
		t.Errorf("model threads %d and %d, want 1 and 2", m.threads, m2.threads)
	}
}

// TestPackPanels: panel p holds outputs 16p..16p+15, input-major, with
// zeros past the last output.
func TestPackPanels(t *testing.T) {
	in, out := 3, 18
	w, b := make([]float32, in*out), make([]float32, out)
	for o := range out {
		b[o] = float32(o)
		for k := range in {
			w[o*in+k] = float32(100*o + k + 1)
		}
	}
	p, bpad := packPanels(w, b, in, out)
	if len(p) != 2*in*16 || len(bpad) != 32 {
		t.Fatalf("%d panel values and %d biases, want %d and 32", len(p), len(bpad), 2*in*16)
	}
	for o := range 32 {
		for k := range in {
			got := p[o/16*in*16+k*16+o%16]
			want := float32(0)
			if o < out {
				want = w[o*in+k]
			}
			if got != want {
				t.Fatalf("output %d input %d: %v, want %v", o, k, got, want)
			}
		}
	}
	if bpad[17] != 17 || bpad[18] != 0 {
		t.Errorf("padded bias %v", bpad)
	}
}

// TestDenseKernelName: the detected kernel is one of the three.
func TestDenseKernelName(t *testing.T) {
	k := detectDense()
	if s := fmt.Sprint(k); s != "go" && s != "avx2" && s != "avx512" {
		t.Errorf("kernel %q", s)
	}
	t.Logf("dense kernel: %v", k)
}
