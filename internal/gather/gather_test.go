package gather

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// kernels are the implementations this CPU runs.
func kernels() []kernelKind {
	out := []kernelKind{kernelGo}
	for _, k := range []kernelKind{kernelAVX2, kernelAVX512} {
		if k <= detect() {
			out = append(out, k)
		}
	}
	return out
}

func withKernel(k kernelKind, fn func()) {
	old := kernel
	kernel = k
	defer func() { kernel = old }()
	fn()
}

// awkward returns values that round differently in different orders:
// wide exponents, some zeros and negative zeros.
func awkward(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch r.IntN(10) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = float32(math.Copysign(0, -1))
		default:
			v[i] = float32(r.NormFloat64() * math.Pow(2, float64(r.IntN(20)-10)))
		}
	}
	return v
}

// sparseRows returns rows rows of k ascending distinct indexes below in,
// with values 1 (one-hot), 0 or awkward.
func sparseRows(r *rand.Rand, rows, k, in int) ([]int32, []float32) {
	idx, val := make([]int32, rows*k), make([]float32, rows*k)
	for row := range rows {
		p := r.Perm(in)[:k]
		slices.Sort(p)
		for s, f := range p {
			idx[row*k+s] = int32(f)
			switch r.IntN(3) {
			case 0:
				val[row*k+s] = 1
			case 1:
				val[row*k+s] = awkward(r, 1)[0]
			}
		}
	}
	return idx, val
}

// reference is Rows summed over the dense row in index order, as a dense
// kernel does: zeros included.
func reference(w []float32, ldw int, b []float32, n int, idx []int32, val []float32, k, rows, in int, relu bool) []float32 {
	y := make([]float32, rows*n)
	for r := range rows {
		x := make([]float32, in)
		for s := range k {
			x[idx[r*k+s]] = val[r*k+s]
		}
		for o := range n {
			var sum float32
			for i, v := range x {
				sum += float32(v * w[i*ldw+o])
			}
			sum += b[o]
			if relu {
				sum = max(sum, 0)
			}
			y[r*n+o] = sum
		}
	}
	return y
}

func sameBits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// Every kernel gives the bits of a dense sum over the whole row.
func TestRowsMatchDense(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, k := range kernels() {
		for _, n := range []int{1, 15, 16, 20, 32, 48, 64, 70, 80, 128, 144} {
			for _, relu := range []bool{false, true} {
				t.Run(fmt.Sprintf("%v/n=%d/relu=%v", k, n, relu), func(t *testing.T) {
					in, slots, rows := 40, 5, 9
					ldw, ldy := n+3, n+5
					w, b := awkward(r, in*ldw), awkward(r, n)
					idx, val := sparseRows(r, rows, slots, in)
					want := reference(w, ldw, b, n, idx, val, slots, rows, in, relu)
					y := make([]float32, rows*ldy)
					withKernel(k, func() { Rows(y, ldy, w, ldw, b, n, idx, val, slots, rows, relu) })
					got := make([]float32, 0, rows*n)
					for row := range rows {
						got = append(got, y[row*ldy:row*ldy+n]...)
					}
					if i := sameBits(got, want); i >= 0 {
						t.Fatalf("row %d output %d: %v, dense sum %v", i/n, i%n, got[i], want[i])
					}
				})
			}
		}
	}
}

// ScatterAdd gives the same bits on every kernel and for every split of
// the outputs.
func TestScatterAddSplits(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	in, slots, rows, n := 30, 4, 50, 80
	idx, val := sparseRows(r, rows, slots, in)
	g := awkward(r, rows*n)
	w0 := awkward(r, in*n)
	want := slices.Clone(w0)
	withKernel(kernelGo, func() { ScatterAdd(want, n, g, n, idx, val, slots, rows, 0, n) })
	// by hand: rows in order, slots in order
	hand := slices.Clone(w0)
	for row := range rows {
		for s := range slots {
			if v := val[row*slots+s]; v != 0 {
				for o := range n {
					hand[int(idx[row*slots+s])*n+o] += float32(v * g[row*n+o])
				}
			}
		}
	}
	if i := sameBits(want, hand); i >= 0 {
		t.Fatalf("Go kernel differs from the sum by hand at %d", i)
	}
	for _, k := range kernels() {
		for _, split := range [][]int{{0, n}, {0, 32, n}, {0, 16, 48, n}, {0, 7, 40, 41, n}} {
			got := slices.Clone(w0)
			withKernel(k, func() {
				for i := 0; i+1 < len(split); i++ {
					ScatterAdd(got, n, g, n, idx, val, slots, rows, split[i], split[i+1])
				}
			})
			if i := sameBits(got, want); i >= 0 {
				t.Fatalf("%v, split %v: weight %d: %v, want %v", k, split, i, got[i], want[i])
			}
		}
	}
}

func TestColumnSums(t *testing.T) {
	g := []float32{1, 2, 3, 4, 5, 6}
	dst := []float32{10, 20, 30}
	ColumnSums(dst, g, 3, 2, 1, 3)
	if !slices.Equal(dst, []float32{10, 27, 39}) {
		t.Fatalf("got %v", dst)
	}
}

func BenchmarkRows(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	in, slots, rows, n := 482, 5, 256, 64
	w, bias := awkward(r, in*n), awkward(r, n)
	idx, val := sparseRows(r, rows, slots, in)
	y := make([]float32, rows*n)
	for _, k := range kernels() {
		b.Run(k.String(), func(b *testing.B) {
			withKernel(k, func() {
				for b.Loop() {
					Rows(y, n, w, n, bias, n, idx, val, slots, rows, true)
				}
			})
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkScatterAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	in, slots, rows, n := 482, 5, 512, 64
	w, g := awkward(r, in*n), awkward(r, rows*n)
	idx, val := sparseRows(r, rows, slots, in)
	for _, k := range kernels() {
		b.Run(k.String(), func(b *testing.B) {
			withKernel(k, func() {
				for b.Loop() {
					ScatterAdd(w, n, g, n, idx, val, slots, rows, 0, n)
				}
			})
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func TestGemm(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, k := range kernels() {
		for _, shape := range [][3]int{{1, 1, 1}, {4, 16, 3}, {7, 32, 64}, {9, 48, 5}, {256, 32, 64}, {5, 64, 256}, {3, 70, 9}, {2, 144, 1}, {6, 20, 0}} {
			m, n, kk := shape[0], shape[1], shape[2]
			t.Run(fmt.Sprintf("%v/%dx%dx%d", k, m, n, kk), func(t *testing.T) {
				lda, ldb, ldc := kk+2, n+1, n+3
				a, b := awkward(r, m*lda), awkward(r, max(kk, 1)*ldb)
				c := awkward(r, m*ldc)
				withKernel(k, func() { Gemm(m, n, kk, a, lda, b, ldb, c, ldc) })
				for i := range m {
					for j := range n {
						var s float32
						for p := range kk {
							s += float32(a[i*lda+p] * b[p*ldb+j])
						}
						if math.Float32bits(s) != math.Float32bits(c[i*ldc+j]) {
							t.Fatalf("c[%d][%d] = %v, want %v", i, j, c[i*ldc+j], s)
						}
					}
				}
			})
		}
	}
}

func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	m, n, k := 256, 32, 64
	a, w, c := awkward(r, m*k), awkward(r, k*n), make([]float32, m*n)
	for _, kk := range kernels() {
		b.Run(kk.String(), func(b *testing.B) {
			withKernel(kk, func() {
				for b.Loop() {
					Gemm(m, n, k, a, k, w, n, c, n)
				}
			})
			b.ReportMetric(float64(m*n*k*b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}

func TestGemmTransA(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, k := range kernels() {
		for _, shape := range [][3]int{{1, 1, 1}, {64, 32, 256}, {9, 48, 5}, {3, 70, 9}, {20, 16, 0}} {
			m, n, kk := shape[0], shape[1], shape[2]
			t.Run(fmt.Sprintf("%v/%dx%dx%d", k, m, n, kk), func(t *testing.T) {
				lda, ldb, ldc := m+2, n+1, n+3
				a, b := awkward(r, max(kk, 1)*lda), awkward(r, max(kk, 1)*ldb)
				c := awkward(r, m*ldc)
				withKernel(k, func() { GemmTransA(m, n, kk, a, lda, b, ldb, c, ldc) })
				for i := range m {
					for j := range n {
						var s float32
						for p := range kk {
							s += float32(a[p*lda+i] * b[p*ldb+j])
						}
						if math.Float32bits(s) != math.Float32bits(c[i*ldc+j]) {
							t.Fatalf("c[%d][%d] = %v, want %v", i, j, c[i*ldc+j], s)
						}
					}
				}
			})
		}
	}
}

func TestMaskPositive(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, k := range kernels() {
		for _, n := range []int{0, 5, 16, 37, 64} {
			h, dz := awkward(r, n), awkward(r, n)
			h = append(h, float32(math.NaN()))
			if n > 0 {
				h[0] = float32(math.NaN())
			}
			want := slices.Clone(dz)
			for i := range want {
				if !(h[i] > 0) {
					want[i] = 0
				}
			}
			withKernel(k, func() { MaskPositive(dz, h) })
			if i := sameBits(dz, want); i >= 0 {
				t.Fatalf("%v n=%d: %d: %v, want %v", k, n, i, dz[i], want[i])
			}
		}
	}
}

func TestAdamUpdateKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	c := &AdamConsts{OneMinusBeta1: 0.1, OneMinusBeta2: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, NegEta: -0.002,
		Correction1: 1.7, Correction2: 300}
	n := 100
	w0, g0, m0, v0 := awkward(r, n), awkward(r, n), awkward(r, n), awkward(r, n)
	for i := range v0 {
		v0[i] = float32(math.Abs(float64(v0[i])))
	}
	var want []float32
	for _, k := range kernels() {
		w, g, m, v := slices.Clone(w0), slices.Clone(g0), slices.Clone(m0), slices.Clone(v0)
		withKernel(k, func() { AdamUpdate(w, g, m, v, c) })
		if want == nil {
			want = append(append(append([]float32{}, w...), m...), v...)
		}
		if i := sameBits(append(append(append([]float32{}, w...), m...), v...), want); i >= 0 {
			t.Fatalf("%v: value %d differs from Go's", k, i)
		}
		if slices.ContainsFunc(g, func(x float32) bool { return x != 0 }) {
			t.Fatalf("%v: gradient not zeroed", k)
		}
	}
}
