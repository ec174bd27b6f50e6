//go:build !amd64 || purego

package model

func detectSparseISA() sparseKernel { return sparseGo }

// forwardSIMD is never called without assembly (sparseISA is sparseGo).
func (s *Sparse) forwardSIMD(_ *sparseScratch, dst, src []float32, rows int) {
	s.forwardGo(dst, src, rows)
	s.act.apply(dst, s.out)
}

// sparseSupported reports whether kernel k is available: only Go.
func sparseSupported(k sparseKernel) bool { return k == sparseGo }
