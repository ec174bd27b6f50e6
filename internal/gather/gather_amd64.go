//go:build !purego

package gather

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// args is what the kernels of gather_amd64.s read; they depend on the
// field offsets (0, 8, ..., 80 relu).
type args struct {
	y    unsafe.Pointer // Rows: first output; ScatterAdd: the weights w
	ldy  int            // bytes between rows of y
	w    unsafe.Pointer // Rows: the weights; ScatterAdd: the gradient g
	ldw  int            // bytes between rows of w
	b    unsafe.Pointer // Rows: the bias
	n    int            // outputs, a multiple of 16
	idx  unsafe.Pointer // slots of the first row
	val  unsafe.Pointer
	k    int // slots per row, ≥ 1
	rows int // ≥ 1
	relu int // ≠ 0: fused relu
	// bytes from one row's slots to the next's: 4·k
	idxStride, valStride int
}

//go:noescape
func rows512(a *args)

//go:noescape
func rows256(a *args)

//go:noescape
func scatter512(a *args)

//go:noescape
func scatter256(a *args)

func detect() kernelKind {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX2:
		return kernelAVX512
	case cpu.X86.HasAVX2:
		return kernelAVX2
	}
	return kernelGo
}

// rowsSIMD is Rows for outputs [0, n), n a positive multiple of 16.
func rowsSIMD(y []float32, ldy int, w []float32, ldw int, b []float32, n int, idx []int32, val []float32, k, rows int, relu bool) {
	if kernel == kernelGo || k == 0 {
		rowsGo(y, ldy, w, ldw, b, 0, n, idx, val, k, rows, relu)
		return
	}
	a := args{y: unsafe.Pointer(&y[0]), ldy: 4 * ldy, w: unsafe.Pointer(&w[0]), ldw: 4 * ldw, b: unsafe.Pointer(&b[0]),
		n: n, idx: unsafe.Pointer(&idx[0]), val: unsafe.Pointer(&val[0]), k: k, rows: rows, idxStride: 4 * k, valStride: 4 * k}
	if relu {
		a.relu = 1
	}
	if kernel == kernelAVX512 {
		rows512(&a)
	} else {
		rows256(&a)
	}
}

// scatterSIMD is ScatterAdd for outputs [lo, hi), hi−lo a positive
// multiple of 16.
func scatterSIMD(w []float32, ldw int, g []float32, ldg int, idx []int32, val []float32, k, rows, lo, hi int) {
	if kernel == kernelGo || k == 0 {
		scatterGo(w, ldw, g, ldg, idx, val, k, rows, lo, hi)
		return
	}
	a := args{y: unsafe.Pointer(&w[lo]), ldy: 4 * ldw, w: unsafe.Pointer(&g[lo]), ldw: 4 * ldg,
		n: hi - lo, idx: unsafe.Pointer(&idx[0]), val: unsafe.Pointer(&val[0]), k: k, rows: rows, idxStride: 4 * k, valStride: 4 * k}
	if kernel == kernelAVX512 {
		scatter512(&a)
	} else {
		scatter256(&a)
	}
}

// gemmArgs is what the gemm tiles of gather_amd64.s read (offsets 0, 8,
// ..., 56 n).
type gemmArgs struct {
	a   unsafe.Pointer // first row of a
	lda int            // bytes
	b   unsafe.Pointer
	ldb int // bytes
	c   unsafe.Pointer
	ldc int // bytes
	k   int // ≥ 1
	n   int // a multiple of 16
}

//go:noescape
func gemm512x4(a *gemmArgs)

//go:noescape
func gemm512x1(a *gemmArgs)

//go:noescape
func gemm512x4t(a *gemmArgs)

//go:noescape
func gemm512x1t(a *gemmArgs)

//go:noescape
func maskPositive512(dz, h *float32, n int)

// maskPositiveSIMD zeroes dz where h is not positive, for the first
// len(dz)&^15 values, and returns how many it did.
func maskPositiveSIMD(dz, h []float32) int {
	n := len(dz) &^ 15
	if kernel != kernelAVX512 || n == 0 {
		return 0
	}
	maskPositive512(&dz[0], &h[0], n)
	return n
}

// gemmTransSIMD is gemmSIMD for a transposed a (stored k×m).
func gemmTransSIMD(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) bool {
	if kernel != kernelAVX512 {
		return false
	}
	g := gemmArgs{lda: 4 * lda, b: unsafe.Pointer(&b[0]), ldb: 4 * ldb, ldc: 4 * ldc, k: k, n: n}
	i := 0
	for ; i+4 <= m; i += 4 {
		g.a, g.c = unsafe.Pointer(&a[i]), unsafe.Pointer(&c[i*ldc])
		gemm512x4t(&g)
	}
	for ; i < m; i++ {
		g.a, g.c = unsafe.Pointer(&a[i]), unsafe.Pointer(&c[i*ldc])
		gemm512x1t(&g)
	}
	return true
}

// gemmSIMD computes Gemm's columns [0, n), n a multiple of 16, with the
// AVX-512 tiles (4 rows at a time, then single rows), if the CPU has
// them; it reports whether it did.
func gemmSIMD(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) bool {
	if kernel != kernelAVX512 {
		return false
	}
	g := gemmArgs{lda: 4 * lda, b: unsafe.Pointer(&b[0]), ldb: 4 * ldb, ldc: 4 * ldc, k: k, n: n}
	i := 0
	for ; i+4 <= m; i += 4 {
		g.a, g.c = unsafe.Pointer(&a[i*lda]), unsafe.Pointer(&c[i*ldc])
		gemm512x4(&g)
	}
	for ; i < m; i++ {
		g.a, g.c = unsafe.Pointer(&a[i*lda]), unsafe.Pointer(&c[i*ldc])
		gemm512x1(&g)
	}
	return true
}

//go:noescape
func adam512(w, grad, m, v *float32, n int, c *AdamConsts)

// adamSIMD runs AdamUpdate on the first len(w)&^15 elements with AVX-512
// and returns how many it did.
func adamSIMD(w, g, m, v []float32, c *AdamConsts) int {
	n := len(w) &^ 15
	if kernel != kernelAVX512 || n == 0 {
		return 0
	}
	adam512(&w[0], &g[0], &m[0], &v[0], n, c)
	return n
}
