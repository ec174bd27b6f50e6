//go:build !purego

package model

import (
	"math"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The kernels of sparse_amd64.s.

//go:noescape
func sparseTransIn16(dst, src *float32, ld, n int)

//go:noescape
func sparseTransOut16(dst *float32, ld int, src *float32, n int)

//go:noescape
func sparseTransIn8(dst, src *float32, ld, n int)

//go:noescape
func sparseTransOut8(dst *float32, ld int, src *float32, n int)

//go:noescape
func spmmAVX512(a *spmmArgs)

//go:noescape
func spmmAVX2(a *spmmArgs)

// spmmArgs is what spmmAVX512 and spmmAVX2 read; sparse_amd64.s depends
// on the field offsets (0, 8, ..., 40 out, 48 floor, 52 keep).
type spmmArgs struct {
	xT    unsafe.Pointer // [in][32] float32, a block's inputs transposed
	ov    unsafe.Pointer // Sparse.ov
	ptr   unsafe.Pointer // Sparse.ptr
	bias  unsafe.Pointer
	yT    unsafe.Pointer // [out][32] float32
	out   int
	floor float32 // 0 for a fused relu, −Inf otherwise
	keep  uint32  // 0x7fffffff for a fused relu, all ones otherwise
}

// detectSparseISA picks the fastest sparse kernel this CPU runs.
func detectSparseISA() sparseKernel {
	switch {
	case cpu.X86.HasAVX512F:
		return sparseAVX512
	case cpu.X86.HasAVX2:
		return sparseAVX2
	}
	return sparseGo
}

// sparseMinPad is the fewest rows left after the whole blocks that are
// padded to a block for the assembly; fewer go through the Go code.
const sparseMinPad = 4

// forwardSIMD computes act(src·Wᵀ + b) for rows rows with the assembly
// kernel sc.k: whole blocks of 32 rows, then the rest, padded to a block
// or, if very few, in Go. A relu is fused into the kernel.
func (s *Sparse) forwardSIMD(sc *sparseScratch, dst, src []float32, rows int) {
	in, out := s.in, s.out
	sc.grow(in, out)
	full := rows &^ (sparseBlock - 1)
	for r := 0; r < full; r += sparseBlock {
		s.block(sc, dst[r*out:(r+sparseBlock)*out], src[r*in:(r+sparseBlock)*in])
	}
	simd := full
	if rest := rows - full; rest >= sparseMinPad {
		copy(sc.xpad, src[full*in:])
		clear(sc.xpad[rest*in:])
		s.block(sc, sc.ypad, sc.xpad)
		copy(dst[full*out:], sc.ypad[:rest*out])
		simd = rows
	} else if rest > 0 {
		s.forwardGo(dst[full*out:], src[full*in:], rest)
		s.act.apply(dst[full*out:], out)
	}
	if s.act != ReLU {
		s.act.apply(dst[:simd*out], out)
	}
}

// grow sizes sc's buffers for a layer of in inputs and out outputs.
func (sc *sparseScratch) grow(in, out int) {
	pad := func(n int) int { return (n + 15) &^ 15 }
	if len(sc.xT) < pad(in)*sparseBlock || len(sc.yT) < pad(out)*sparseBlock {
		sc.xT = make([]float32, pad(in)*sparseBlock)
		sc.yT = make([]float32, pad(out)*sparseBlock)
		sc.xpad = make([]float32, sparseBlock*in)
		sc.ypad = make([]float32, sparseBlock*out)
	}
}

// block computes one block of sparseBlock rows: transposes src into xT,
// runs the kernel into yT and transposes yT into dst.
func (s *Sparse) block(sc *sparseScratch, dst, src []float32) {
	in, out := s.in, s.out
	a := spmmArgs{
		xT:   unsafe.Pointer(&sc.xT[0]),
		ov:   unsafe.Pointer(unsafe.SliceData(s.ov)),
		ptr:  unsafe.Pointer(&s.ptr[0]),
		bias: unsafe.Pointer(&s.b[0]),
		yT:   unsafe.Pointer(&sc.yT[0]),
		out:  out,
		keep: 0x7fffffff,
	}
	if s.act != ReLU {
		a.floor, a.keep = float32(math.Inf(-1)), 0xffffffff
	}
	if sc.k == sparseAVX512 {
		for g := 0; g < sparseBlock; g += 16 {
			sparseTransIn16(&sc.xT[g], &src[g*in], 4*in, in)
		}
		spmmAVX512(&a)
		for g := 0; g < sparseBlock; g += 16 {
			sparseTransOut16(&dst[g*out], 4*out, &sc.yT[g], out)
		}
		return
	}
	for g := 0; g < sparseBlock; g += 8 {
		sparseTransIn8(&sc.xT[g], &src[g*in], 4*in, in)
	}
	spmmAVX2(&a)
	for g := 0; g < sparseBlock; g += 8 {
		sparseTransOut8(&dst[g*out], 4*out, &sc.yT[g], out)
	}
}

// sparseSupported reports whether this CPU runs kernel k.
func sparseSupported(k sparseKernel) bool {
	switch k {
	case sparseAVX512:
		return cpu.X86.HasAVX512F
	case sparseAVX2:
		return cpu.X86.HasAVX2
	}
	return true
}
