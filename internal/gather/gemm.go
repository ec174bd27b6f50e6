package gather

// Gemm sets c[i*ldc+j] = Σ_p float32(a[i*lda+p]·b[p*ldb+j]) for i < m
// and j < n: the dense product of a (m×k) and b (k×n), each sum formed in
// order of p from +0 like Rows's, each product rounded before it is
// added. Every output is computed the same way whatever m, n and the
// rows' place in a, so callers may split the rows between goroutines.
// With k = 0 every output is +0.
func Gemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m <= 0 || n <= 0 {
		return
	}
	if k <= 0 {
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
		return
	}
	done := 0
	if n >= 16 && gemmSIMD(m, n&^15, k, a, lda, b, ldb, c, ldc) {
		done = n &^ 15
	}
	if done < n {
		gemmGo(m, done, n, k, a, lda, b, ldb, c, ldc)
	}
}

// gemmGo is Gemm for the columns [lo, hi).
func gemmGo(m, lo, hi, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := range m {
		ai := a[i*lda : i*lda+k]
		for j := lo; j < hi; j++ {
			var s float32
			for p, v := range ai {
				s += float32(v * b[p*ldb+j])
			}
			c[i*ldc+j] = s
		}
	}
}
