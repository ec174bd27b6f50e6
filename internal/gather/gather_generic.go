//go:build purego || !amd64

package gather

func detect() kernelKind { return kernelGo }

func rowsSIMD(y []float32, ldy int, w []float32, ldw int, b []float32, n int, idx []int32, val []float32, k, rows int, relu bool) {
	rowsGo(y, ldy, w, ldw, b, 0, n, idx, val, k, rows, relu)
}

func scatterSIMD(w []float32, ldw int, g []float32, ldg int, idx []int32, val []float32, k, rows, lo, hi int) {
	scatterGo(w, ldw, g, ldg, idx, val, k, rows, lo, hi)
}

func gemmSIMD(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) bool {
	return false
}

func gemmTransSIMD(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) bool {
	return false
}

func maskPositiveSIMD(dz, h []float32) int { return 0 }

func adamSIMD(w, g, m, v []float32, c *AdamConsts) int { return 0 }
