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

// GemmTransA sets c[i*ldc+j] = Σ_p float32(a[p*lda+i]·b[p*ldb+j]) for
// i < m and j < n: aᵀ·b for a stored k×m, with Gemm's sums (in order of
// p from +0, each product rounded).
func GemmTransA(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
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
	if n >= 16 && gemmTransSIMD(m, n&^15, k, a, lda, b, ldb, c, ldc) {
		done = n &^ 15
	}
	for i := range m {
		for j := done; j < n; j++ {
			var s float32
			for p := range k {
				s += float32(a[p*lda+i] * b[p*ldb+j])
			}
			c[i*ldc+j] = s
		}
	}
}

// MaskPositive sets dz[i] = 0 where h[i] is not positive (the gradient
// through a relu whose outputs are h). h is at least as long as dz.
func MaskPositive(dz, h []float32) {
	h = h[:len(dz)]
	for i := maskPositiveSIMD(dz, h); i < len(dz); i++ {
		if !(h[i] > 0) {
			dz[i] = 0
		}
	}
}
