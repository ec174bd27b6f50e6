//go:build !amd64 || purego

package model

func detectSparseISA() sparseKernel { return sparseGo }

// sparseSupported reports whether kernel k is available: only Go.
func sparseSupported(k sparseKernel) bool { return k == sparseGo }

// sparsePacked and sparseBufs are empty: there is no assembly.
type (
	sparsePacked struct{}
	sparseBufs   struct{}
)

func (s *Sparse) pack() *sparsePacked { return nil }

// smallDense is false: there is no dense kernel to run.
func (s *Sparse) smallDense(int) bool { return false }

// denseRows is never called (smallDense is false).
func (s *Sparse) denseRows(sparseKernel, []float32, []float32, int, int) {}

// forwardSIMD is never called without assembly (s.pk is nil).
func (s *Sparse) forwardSIMD(_ *sparseBufs, _ sparseKernel, dst, src []float32, rows int) {
	s.forwardGo(dst, src, rows)
	s.act.apply(dst, s.out)
}
