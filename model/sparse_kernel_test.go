package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sparseKernels are every implementation of Sparse.Forward.
var sparseKernels = []sparseKernel{sparseGo, sparseAVX2, sparseAVX512}

// withSparseISA runs fn as subtest k with the sparse kernel switched to
// k, or skips it if the CPU lacks k.
func withSparseISA(t *testing.T, k sparseKernel, fn func(t *testing.T)) {
	t.Run(k.String(), func(t *testing.T) {
		if !sparseSupported(k) {
			t.Skipf("this CPU does not run the %s sparse kernel", k)
		}
		old := sparseISA
		sparseISA = k
		defer func() { sparseISA = old }()
		fn(t)
	})
}

// awkwardVec is n normal values with some exact zeros, negative zeros,
// denormals and tiny values whose products are denormal or zero.
func awkwardVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch r.IntN(16) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = float32(math.Copysign(0, -1))
		case 2:
			v[i] = float32(r.NormFloat64() * 1e-39) // denormal
		case 3:
			v[i] = float32(r.NormFloat64() * 1e-20) // products underflow
		default:
			v[i] = float32(r.NormFloat64() * 2)
		}
	}
	return v
}

// sparseWeights returns out×in weights with a fraction frac pruned, and
// output 0 entirely zero when frac > 0 (an output with no stored weight).
func sparseWeights(r *rand.Rand, in, out int, frac float64) []float32 {
	w := pruneRandom(r, awkwardVec(r, in*out), frac)
	if frac > 0 {
		clear(w[:in])
	}
	return w
}

// sparseCase is a layer, its input and what a Dense layer computes.
type sparseCase struct {
	name string
	sp   *Sparse
	x    []float32
	want []float32 // Dense.Forward on all the rows of x
}

// TestSparseKernelsIdentical: every kernel gives the same bits as the Go
// reference and as a Dense layer with the same weights (zeros included),
// for every batch size, whole blocks and rest, and every activation.
func TestSparseKernelsIdentical(t *testing.T) {
	ins := []int{1, 3, 16, 17, 75, 128, 255}
	outs := []int{1, 2, 15, 16, 17, 64, 100, 256}
	rowCounts := []int{1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 256}
	fracs := []float64{0, 0.5, 0.8, 0.95, 1}
	if testing.Short() || raceEnabled {
		ins, outs, rowCounts = []int{3, 17, 128}, []int{1, 17, 100}, []int{1, 7, 33, 100}
	}
	maxRows := slices.Max(rowCounts)
	r := rand.New(rand.NewPCG(11, 12))
	var cases []sparseCase
	for _, in := range ins {
		for _, out := range outs {
			x := awkwardVec(r, maxRows*in)
			for _, frac := range fracs {
				w := sparseWeights(r, in, out, frac)
				b := awkwardVec(r, out)
				for _, act := range allActivations {
					d, err := NewDense(in, out, w, b, act)
					if err != nil {
						t.Fatal(err)
					}
					sp, err := NewSparse(in, out, w, b, act)
					if err != nil {
						t.Fatal(err)
					}
					want := make([]float32, maxRows*out)
					d.Forward(want, x, maxRows)
					name := fmt.Sprintf("in=%d/out=%d/sparsity=%v/%s", in, out, frac, act)
					cases = append(cases, sparseCase{name, sp, x, want})
				}
			}
		}
	}
	for _, k := range sparseKernels {
		withSparseISA(t, k, func(t *testing.T) {
			for _, mode := range []int{restAuto, restDense, restBlock} {
				withSparseRest(mode, func() { checkSparseCases(t, mode, cases, rowCounts) })
			}
		})
	}
}

// withSparseRest runs fn with the rows after the whole blocks computed
// the way mode says.
func withSparseRest(mode int, fn func()) {
	old := sparseRest
	sparseRest = mode
	defer func() { sparseRest = old }()
	fn()
}

// checkSparseCases compares each case's Forward on the first rows rows
// of its input with the dense result.
func checkSparseCases(t *testing.T, mode int, cases []sparseCase, rowCounts []int) {
	t.Helper()
	for _, c := range cases {
		out := c.sp.Out()
		for _, rows := range rowCounts {
			got := make([]float32, rows*out+1)
			got[rows*out] = 42 // a guard past the end
			c.sp.Forward(got, c.x, rows)
			if i := firstDiff(got[:rows*out], c.want[:rows*out]); i >= 0 {
				t.Fatalf("%s rows=%d rest=%d: output %d (row %d): %v (%#x), dense %v (%#x)", c.name, rows, mode, i, i/out,
					got[i], math.Float32bits(got[i]), c.want[i], math.Float32bits(c.want[i]))
			}
			if got[rows*out] != 42 {
				t.Fatalf("%s rows=%d rest=%d: wrote past the output", c.name, rows, mode)
			}
		}
	}
}

// TestSparseKernelsSpecialValues: with infinities and NaNs in the inputs
// (where a dense layer differs, as it multiplies them by zero weights)
// every kernel still matches the Go reference bit for bit, except that
// where both give a NaN its sign and payload may differ: when both
// operands of an add are NaNs, x86 returns the first, and which one that
// is in Go depends on the compiler's register allocation (it differs
// with -race).
func TestSparseKernelsSpecialValues(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	const in, out, rows = 40, 37, 70
	x := awkwardVec(r, rows*in)
	for i := range x {
		switch r.IntN(40) {
		case 0:
			x[i] = float32(math.Inf(1))
		case 1:
			x[i] = float32(math.Inf(-1))
		case 2:
			x[i] = float32(math.NaN())
		case 3:
			x[i] = 3e38 // sums overflow
		}
	}
	for _, act := range allActivations {
		sp, err := NewSparse(in, out, sparseWeights(r, in, out, 0.7), awkwardVec(r, out), act)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]float32, rows*out)
		withSparseISA(t, sparseGo, func(*testing.T) { sp.Forward(want, x, rows) })
		for _, k := range sparseKernels[1:] {
			withSparseISA(t, k, func(t *testing.T) {
				for _, mode := range []int{restDense, restBlock} {
					got := make([]float32, rows*out)
					withSparseRest(mode, func() { sp.Forward(got, x, rows) })
					if i := firstDiffNaN(got, want); i >= 0 {
						t.Fatalf("%s rest=%d: output %d: %v (%#x), go %v (%#x)", act, mode, i, got[i],
							math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
					}
				}
			})
		}
	}
}

// firstDiffNaN is firstDiff with all NaNs equal.
func firstDiffNaN(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}

// TestSparseKernelsMixedRows: in a batch whose rows after the whole
// blocks are finite but for one with an infinity or a NaN, the finite
// rows still give a Dense layer's bits and the other row the Go
// reference's, whichever way the rest is computed: a row's output does
// not depend on its batch.
func TestSparseKernelsMixedRows(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	const out = 70
	bad := []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	for _, in := range []int{1, 7, 8, 37, 100} { // whole and partial vectors of 8
		for _, act := range []Activation{Identity, ReLU, Softmax} {
			w, b := sparseWeights(r, in, out, 0.6), awkwardVec(r, out)
			d, err := NewDense(in, out, w, b, act)
			if err != nil {
				t.Fatal(err)
			}
			sp, err := NewSparse(in, out, w, b, act)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range sparseKernels {
				withSparseISA(t, k, func(t *testing.T) {
					for _, mode := range []int{restAuto, restDense, restBlock} {
						for _, rows := range []int{1, 2, 3, 4, 5, 8, 13, 31, 32 + 6} {
							x := awkwardVec(r, rows*in)
							want := make([]float32, rows*out)
							d.Forward(want, x, rows)
							p := r.IntN(rows) // the non-finite row
							x[p*in+r.IntN(in)] = bad[r.IntN(len(bad))]
							one := want[p*out : (p+1)*out] // row p alone, in Go
							sp.forwardGo(one, x[p*in:], 1)
							act.apply(one, out)
							got := make([]float32, rows*out)
							withSparseRest(mode, func() { sp.Forward(got, x, rows) })
							if i := firstDiffNaN(got, want); i >= 0 {
								t.Fatalf("in=%d %s rows=%d rest=%d, row %d not finite: output %d (row %d): %v (%#x), want %v (%#x)",
									in, act, rows, mode, p, i, i/out, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
							}
						}
					}
				})
			}
		}
	}
}

// TestSparseThreadsIdentical: a layer WithThreads(2) gives the same bits
// as on one goroutine, whoever computes which rows.
func TestSparseThreadsIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	const in, out = 128, 256
	sp, err := NewSparse(in, out, sparseWeights(r, in, out, 0.5), randVec(r, out), ReLU)
	if err != nil {
		t.Fatal(err)
	}
	sp2 := sp.WithThreads(2)
	if sp.threadCount() != 1 || sp2.threadCount() != 2 {
		t.Fatalf("threads %d, %d", sp.threadCount(), sp2.threadCount())
	}
	for _, k := range sparseKernels {
		withSparseISA(t, k, func(t *testing.T) {
			for _, rows := range []int{128, 130, 256, 1000} {
				x := randomRows(r, rows*in)
				want, got := make([]float32, rows*out), make([]float32, rows*out)
				sp.Forward(want, x, rows)
				for range 3 {
					sp2.Forward(got, x, rows)
					if i := firstDiff(got, want); i >= 0 {
						t.Fatalf("rows=%d: output %d: %v, one thread %v", rows, i, got[i], want[i])
					}
				}
			}
		})
	}
}

// TestSparseForwardNoAllocs: after the first call, Forward does not
// allocate, on one thread or two.
func TestSparseForwardNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	r := rand.New(rand.NewPCG(17, 18))
	const in, out = 128, 256
	sp, err := NewSparse(in, out, sparseWeights(r, in, out, 0.5), randVec(r, out), Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range sparseKernels {
		withSparseISA(t, k, func(t *testing.T) {
			for _, l := range []*Sparse{sp, sp.WithThreads(2)} {
				for _, rows := range []int{1, 5, 33, 256} {
					x, y := randomRows(r, rows*in), make([]float32, rows*out)
					l.Forward(y, x, rows)
					if n := testing.AllocsPerRun(20, func() { l.Forward(y, x, rows) }); n != 0 {
						t.Errorf("threads=%d rows=%d: %v allocations per Forward", l.threads, rows, n)
					}
				}
			}
		})
	}
}

// BenchmarkSparseKernels measures one sparse layer per kernel and batch
// size, in stored-weight multiply-adds per second.
func BenchmarkSparseKernels(b *testing.B) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, shape := range [][2]int{{128, 256}, {256, 128}} {
		in, out := shape[0], shape[1]
		for _, frac := range []float64{0.5, 0.8} {
			sp, err := NewSparse(in, out, pruneRandom(r, randVec(r, in*out), frac), randVec(r, out), ReLU)
			if err != nil {
				b.Fatal(err)
			}
			for _, rows := range []int{1, 4, 32, 1024} {
				x, y := randomRows(r, rows*in), make([]float32, rows*out)
				for _, k := range sparseKernels {
					name := fmt.Sprintf("%dx%d/sparse%.0f/rows=%d/%s", in, out, frac*100, rows, k)
					b.Run(name, func(b *testing.B) {
						if !sparseSupported(k) {
							b.Skip("unsupported")
						}
						old := sparseISA
						sparseISA = k
						defer func() { sparseISA = old }()
						for b.Loop() {
							sp.Forward(y, x, rows)
						}
						b.ReportMetric(float64(len(sp.val)*rows*b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
					})
				}
			}
		}
	}
}

// BenchmarkSparseCrossover compares a 128×256 relu layer in dense and in
// sparse form at rising sparsity, at batch 1 and at a 256-row block: it
// is where package optimize's choice of form (sparse from some sparsity
// on) comes from.
func BenchmarkSparseCrossover(b *testing.B) {
	r := rand.New(rand.NewPCG(21, 22))
	in, out := 128, 256
	for _, frac := range []float64{0.2, 0.3, 0.4, 0.5, 0.6} {
		w, bias := pruneRandom(r, randVec(r, in*out), frac), randVec(r, out)
		d, err := NewDense(in, out, w, bias, ReLU)
		if err != nil {
			b.Fatal(err)
		}
		sp, err := NewSparse(in, out, w, bias, ReLU)
		if err != nil {
			b.Fatal(err)
		}
		for _, rows := range []int{1, 256} {
			x, y := randomRows(r, rows*in), make([]float32, rows*out)
			for _, l := range []Layer{d, sp} {
				name := fmt.Sprintf("sparsity=%.0f%%/rows=%d/%T", frac*100, rows, l)
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						l.Forward(y, x, rows)
					}
					b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N), "ns/call")
				})
			}
		}
	}
}

// BenchmarkSparseRest measures the rows after the whole blocks computed
// both ways, with the dense kernel and as a padded block, which is what
// the cost model of sparsePacked.costs is fitted to.
func BenchmarkSparseRest(b *testing.B) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, shape := range [][2]int{{80, 64}, {128, 256}, {512, 512}} {
		in, out := shape[0], shape[1]
		for _, frac := range []float64{0.5, 0.8, 0.95} {
			sp, err := NewSparse(in, out, pruneRandom(r, randVec(r, in*out), frac), randVec(r, out), ReLU)
			if err != nil {
				b.Fatal(err)
			}
			for _, rows := range []int{1, 4, 8, 16, 31} {
				x, y := randomRows(r, rows*in), make([]float32, rows*out)
				for _, mode := range []int{restDense, restBlock} {
					name := fmt.Sprintf("%dx%d/sparse%.0f/rows=%d/%s", in, out, frac*100, rows, [...]string{"auto", "dense", "block"}[mode])
					b.Run(name, func(b *testing.B) {
						withSparseRest(mode, func() {
							for b.Loop() {
								sp.Forward(y, x, rows)
							}
						})
					})
				}
			}
		}
	}
}
