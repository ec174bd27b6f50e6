package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// fastBLAS.Sgemm equals the textbook sum, in order of the shared
// dimension, for every transpose, alpha and beta.
func TestFastSgemm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	vals := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, ab := range [][2]float32{{1, 0}, {0.5, 0}, {2, 0.25}} {
				m, n, k := 37, 40, 19
				t.Run(fmt.Sprintf("%c%c/alpha=%v/beta=%v", tA, tB, ab[0], ab[1]), func(t *testing.T) {
					lda, ldb, ldc := k+1, n+2, n+3
					if tA == blas.Trans {
						lda = m + 1
					}
					if tB == blas.Trans {
						ldb = k + 2
					}
					a, b, c := vals(max(m, k)*lda), vals(max(n, k)*ldb), vals(m*ldc)
					want := make([]float32, len(c))
					copy(want, c)
					at := func(i, p int) float32 {
						if tA == blas.Trans {
							return a[p*lda+i]
						}
						return a[i*lda+p]
					}
					bt := func(p, j int) float32 {
						if tB == blas.Trans {
							return b[j*ldb+p]
						}
						return b[p*ldb+j]
					}
					for i := range m {
						for j := range n {
							var s float32
							for p := range k {
								s += float32(at(i, p) * bt(p, j))
							}
							if ab == [2]float32{1, 0} {
								want[i*ldc+j] = s
							} else if ab[1] == 0 {
								want[i*ldc+j] = ab[0] * s
							} else {
								want[i*ldc+j] = ab[0]*s + ab[1]*want[i*ldc+j]
							}
						}
					}
					fastBLAS{}.Sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], c, ldc)
					for i := range want {
						if math.Float32bits(want[i]) != math.Float32bits(c[i]) {
							t.Fatalf("c[%d] = %v, want %v", i, c[i], want[i])
						}
					}
				})
			}
		}
	}
}
