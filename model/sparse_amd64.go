//go:build !purego

package model

import (
	"cmp"
	"math"
	"slices"
	"sync"
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

//go:noescape
func sgemv64AVX512(a *sgemvArgs)

//go:noescape
func sgemv16AVX512(a *sgemvArgs)

//go:noescape
func sgemv64AVX2(a *sgemvArgs)

//go:noescape
func sgemv16AVX2(a *sgemvArgs)

//go:noescape
func sgemv64x4AVX512(a *sgemvArgs)

//go:noescape
func sgemv16x4AVX512(a *sgemvArgs)

//go:noescape
func sgemv16x4AVX2(a *sgemvArgs)

//go:noescape
func sparseFinite(x *float32, n int) bool

// spmmArgs is what spmmAVX512 and spmmAVX2 read; sparse_amd64.s depends
// on the field offsets (0, 8, ..., 40 n, 48 floor, 52 keep).
type spmmArgs struct {
	xT    unsafe.Pointer // [xcols][32] float32, a block's inputs transposed
	pairs unsafe.Pointer // sparsePacked.pairs
	ent   unsafe.Pointer // sparsePacked.ent
	bias  unsafe.Pointer // sparsePacked.bpad
	yT    unsafe.Pointer // [ycols][32] float32
	n     int            // number of pairs
	floor float32        // 0 for a fused relu, −Inf otherwise
	keep  uint32         // 0x7fffffff for a fused relu, all ones otherwise
}

// sgemvArgs is what the one-row and four-row kernels read;
// sparse_amd64.s depends on the field offsets (0, 8, 16, 24 n, 32 bias,
// 40 y, 48 floor, 52 keep, 56 ldx, 64 ldy, 72 wstride).
type sgemvArgs struct {
	x, cols, w unsafe.Pointer
	n          int
	bias, y    unsafe.Pointer
	floor      float32
	keep       uint32
	ldx, ldy   int // bytes between rows of x and of y (four rows)
	wstride    int // bytes between columns of w (four rows)
}

// sparseSIMD reports whether the CPU runs an assembly kernel: only then
// does NewSparse lay the weights out for it.
var sparseSIMD = detectSparseISA() != sparseGo

// detectSparseISA picks the fastest sparse kernel this CPU runs.
func detectSparseISA() sparseKernel {
	switch {
	case sparseSupported(sparseAVX512):
		return sparseAVX512
	case sparseSupported(sparseAVX2):
		return sparseAVX2
	}
	return sparseGo
}

// sparseSupported reports whether this CPU runs kernel k. The AVX-512
// kernel uses AVX2 too (sparseFinite).
func sparseSupported(k sparseKernel) bool {
	switch k {
	case sparseAVX512:
		return cpu.X86.HasAVX512F && cpu.X86.HasAVX2
	case sparseAVX2:
		return cpu.X86.HasAVX2
	}
	return true
}

// sparseSmall is one block of outputs of the one-row kernels.
type sparseSmall struct {
	o0, width int // first output; 64 or 16 outputs
	c0, n     int // the block's columns: cols[c0:c0+n]
	w0        int // its weights, [n][width] from w[w0]
}

// sparsePacked is a Sparse layer's weights laid out for the assembly.
//
// The block kernel (32 rows) computes outputs in pairs of about the same
// number of stored weights (the outputs sorted by that number); the
// shorter of a pair is padded with weight 0 at xT's last column, which is
// always 0. With an odd number of outputs the last pair's second output is
// a dummy that writes yT's last row.
//
// The one-row kernels compute blocks of 64 consecutive outputs (16 at the
// end) over the columns where any of them has a stored weight.
type sparsePacked struct {
	xcols, ycols int       // columns of xT (16·⌈in/16⌉ + 1) and rows of yT
	pairs        []int32   // per pair of outputs: o0, o1, first entry, entries
	ent          []int32   // per entry: 32·col and the weight's bits, for o0 then o1
	bpad         []float32 // b padded with zeros to ycols

	small []sparseSmall
	cols  []int32   // byte offsets 4·col in a row, and one more
	nw    int       // number of weights of the one-row kernels
	once  sync.Once // builds w
	w     []float32 // 64-byte aligned, zeros where no weight is stored

	// blockCost, rowCost and row4Cost estimate the time of a block of 32
	// rows, of one row and of four rows with the one-row and four-row
	// kernels (see costs), to choose between them for the rows left after
	// the whole blocks.
	blockCost, rowCost, row4Cost int
}

// pad16 rounds n up to a multiple of 16.
func pad16(n int) int { return (n + 15) &^ 15 }

// pack lays s's weights out for the assembly, or returns nil if the CPU
// has none or the layer is too wide for its int32 offsets.
func (s *Sparse) pack() *sparsePacked {
	if !sparseSIMD || s.in > 1<<25 {
		return nil
	}
	p := &sparsePacked{xcols: pad16(s.in) + 1, ycols: pad16(s.out) + 1}
	p.bpad = make([]float32, p.ycols)
	copy(p.bpad, s.b)
	p.packPairs(s)
	p.packSmall(s)
	p.costs()
	return p
}

// costs turns blockCost and rowCost from counts of 64-byte loads into
// estimated cycles ×100, with per-load costs and overheads measured on
// AMD Zen 4: 1.77 cycles per load and 200 per call for a block; 1.2
// cycles per load (2.25 once the one-row weights do not fit in a 32 KB L1
// cache) and 100 per call for a row; for four rows, 2.4 times as much
// per load and 150 per call.
func (p *sparsePacked) costs() {
	perLoad := 120
	if p.nw*4 > 32<<10 {
		perLoad = 225
	}
	p.blockCost = p.blockCost*177 + 20000
	p.row4Cost = p.rowCost*perLoad*24/10 + 15000
	p.rowCost = p.rowCost*perLoad + 10000
}

// packPairs builds the pairs and entries of the block kernel.
func (p *sparsePacked) packPairs(s *Sparse) {
	count := func(o int) int32 {
		if o >= s.out {
			return 0
		}
		return s.ptr[o+1] - s.ptr[o]
	}
	order := make([]int, s.out)
	for o := range order {
		order[o] = o
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(count(a), count(b)) })
	zero := int32(32 * pad16(s.in)) // xT's last column
	entry := func(o int, j int32) (int32, int32) {
		if j >= count(o) {
			return zero, 0
		}
		k := s.ptr[o] + j
		return 32 * s.col[k], int32(math.Float32bits(s.val[k]))
	}
	for i := 0; i < len(order); i += 2 {
		o0, o1 := order[i], pad16(s.out) // a dummy output
		if i+1 < len(order) {
			o1 = order[i+1]
		}
		n := max(count(o0), count(o1))
		p.pairs = append(p.pairs, int32(o0), int32(o1), int32(len(p.ent)/4), n)
		p.blockCost += 4 * int(n)
		for j := range n {
			c0, v0 := entry(o0, j)
			c1, v1 := entry(o1, j)
			p.ent = append(p.ent, c0, v0, c1, v1)
		}
	}
	p.ent = append(p.ent, 0, 0, 0, 0) // so that &ent[0] exists
	p.blockCost += 4 * (pad16(s.in) + pad16(s.out))
}

// packSmall lays out the blocks of the one-row kernels; their weights
// are built on first use (see weights).
func (p *sparsePacked) packSmall(s *Sparse) {
	used := make([]bool, s.in)
	for o0 := 0; o0 < s.out; {
		width := 64
		if pad16(s.out-o0) < 64 {
			width = 16
		}
		o1 := min(o0+width, s.out)
		clear(used)
		for j := s.ptr[o0]; j < s.ptr[o1]; j++ {
			used[s.col[j]] = true
		}
		b := sparseSmall{o0: o0, width: width, c0: len(p.cols), w0: p.nw}
		for c, u := range used {
			if u {
				b.n++
				p.cols = append(p.cols, int32(4*c))
			}
		}
		p.nw += b.n * width
		p.small = append(p.small, b)
		p.rowCost += b.n * width / 16
		if width == 16 {
			p.rowCost += 2 * b.n // one add chain: latency-bound
		}
		o0 = o1
	}
	p.cols = append(p.cols, 0) // so that &cols[c0] exists
}

// weights returns the weights of the one-row kernels, building them on
// first use: about as large as the dense matrix, they are only needed for
// small batches.
func (p *sparsePacked) weights(s *Sparse) []float32 {
	p.once.Do(func() {
		w := alignedFloats(p.nw + 64) // so that &w[w0] exists
		pos := make([]int32, s.in)    // a column's place in its block
		for _, b := range p.small {
			for i, c := range p.cols[b.c0 : b.c0+b.n] {
				pos[c/4] = int32(i)
			}
			for o := b.o0; o < min(b.o0+b.width, s.out); o++ {
				for j := s.ptr[o]; j < s.ptr[o+1]; j++ {
					w[b.w0+int(pos[s.col[j]])*b.width+o-b.o0] = s.val[j]
				}
			}
		}
		p.w = w
	})
	return p.w
}

// alignedFloats returns n zeros starting at a multiple of 64 bytes.
func alignedFloats(n int) []float32 {
	buf := make([]float32, n+15)
	off := int(-uintptr(unsafe.Pointer(&buf[0])) & 63 / 4)
	return buf[off : off+n : off+n]
}

// forwardSIMD computes act(src·Wᵀ + b) for rows rows with the assembly
// kernel k and buffers sc: whole blocks of 32 rows, then the rest as a
// padded block or row by row, whichever is estimated cheaper. A relu is
// fused into the kernels.
func (s *Sparse) forwardSIMD(sc *sparseBufs, k sparseKernel, dst, src []float32, rows int) {
	in, out, p := s.in, s.out, s.pk
	sc.grow(p, in, out)
	full := rows &^ (sparseBlock - 1)
	for r := 0; r < full; r += sparseBlock {
		s.block(sc, k, dst[r*out:(r+sparseBlock)*out], src[r*in:(r+sparseBlock)*in])
	}
	if rest := rows - full; rest > 0 && s.restAsBlock(rest) {
		copy(sc.xpad, src[full*in:])
		clear(sc.xpad[rest*in:])
		s.block(sc, k, sc.ypad, sc.xpad)
		copy(dst[full*out:], sc.ypad[:rest*out])
	} else {
		r := full
		for ; r+4 <= rows; r += 4 {
			s.rows4(sc, k, dst[r*out:(r+4)*out], src[r*in:(r+4)*in])
		}
		for ; r < rows; r++ {
			s.row(sc, k, dst[r*out:(r+1)*out], src[r*in:(r+1)*in])
		}
	}
	if s.act != ReLU {
		s.act.apply(dst, out)
	}
}

// restAsBlock reports whether rest rows after the whole blocks are
// computed as a padded block rather than row by row.
func (s *Sparse) restAsBlock(rest int) bool {
	switch sparseRest {
	case restRows:
		return false
	case restBlock:
		return true
	}
	p := s.pk
	return rest/4*p.row4Cost+rest%4*p.rowCost >= p.blockCost
}

// sparseBufs are the buffers of one Forward call's assembly kernels.
type sparseBufs struct {
	xT, yT     []float32 // a block's inputs and outputs, transposed
	xpad, ypad []float32 // a partial block's rows, padded to sparseBlock
	yb         []float32 // four rows' outputs of a block past the last output
}

// grow sizes the buffers for a layer laid out as p.
func (sc *sparseBufs) grow(p *sparsePacked, in, out int) {
	if sc.xT == nil {
		sc.xT = alignedFloats(p.xcols * sparseBlock)
		sc.yT = alignedFloats(p.ycols * sparseBlock)
		sc.xpad = make([]float32, sparseBlock*in)
		sc.ypad = make([]float32, sparseBlock*out)
		sc.yb = alignedFloats(4 * 64)
	}
}

// floorKeep returns the kernels' floor and keep for s's activation.
func (s *Sparse) floorKeep() (float32, uint32) {
	if s.act == ReLU {
		return 0, 0x7fffffff
	}
	return float32(math.Inf(-1)), 0xffffffff
}

// block computes one block of sparseBlock rows: transposes src into xT,
// runs the kernel into yT and transposes yT into dst.
func (s *Sparse) block(sc *sparseBufs, k sparseKernel, dst, src []float32) {
	in, out, p := s.in, s.out, s.pk
	a := spmmArgs{
		xT:    unsafe.Pointer(&sc.xT[0]),
		pairs: unsafe.Pointer(&p.pairs[0]),
		ent:   unsafe.Pointer(&p.ent[0]),
		bias:  unsafe.Pointer(&p.bpad[0]),
		yT:    unsafe.Pointer(&sc.yT[0]),
		n:     len(p.pairs) / 4,
	}
	a.floor, a.keep = s.floorKeep()
	if k == sparseAVX512 {
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

// row computes one row with the one-row kernels, or in Go if x is not
// all finite (where the kernels' zero weights would add NaNs).
func (s *Sparse) row(sc *sparseBufs, k sparseKernel, y, x []float32) {
	if !allFiniteSIMD(x) {
		s.forwardGo(y, x, 1)
		if s.act == ReLU {
			s.act.apply(y, s.out)
		}
		return
	}
	p := s.pk
	w := p.weights(s)
	a := sgemvArgs{x: unsafe.Pointer(&x[0])}
	a.floor, a.keep = s.floorKeep()
	for _, b := range p.small {
		a.cols, a.w, a.n = unsafe.Pointer(&p.cols[b.c0]), unsafe.Pointer(&w[b.w0]), b.n
		a.bias = unsafe.Pointer(&p.bpad[b.o0])
		partial := b.o0+b.width > s.out
		a.y = unsafe.Pointer(&sc.yb[0])
		if !partial {
			a.y = unsafe.Pointer(&y[b.o0])
		}
		switch {
		case k == sparseAVX512 && b.width == 64:
			sgemv64AVX512(&a)
		case k == sparseAVX512:
			sgemv16AVX512(&a)
		case b.width == 64:
			sgemv64AVX2(&a)
		default:
			sgemv16AVX2(&a)
		}
		if partial {
			copy(y[b.o0:], sc.yb)
		}
	}
}

// rows4 computes four rows with the four-row kernels, or row by row if
// an input is not finite.
func (s *Sparse) rows4(sc *sparseBufs, k sparseKernel, y, x []float32) {
	if !allFiniteSIMD(x) {
		for r := range 4 {
			s.row(sc, k, y[r*s.out:(r+1)*s.out], x[r*s.in:(r+1)*s.in])
		}
		return
	}
	p, out := s.pk, s.out
	w := p.weights(s)
	a := sgemvArgs{x: unsafe.Pointer(&x[0]), ldx: 4 * s.in}
	a.floor, a.keep = s.floorKeep()
	for _, b := range p.small {
		a.cols, a.n, a.wstride = unsafe.Pointer(&p.cols[b.c0]), b.n, 4*b.width
		partial := b.o0+b.width > out
		yb, o0, ldy := y, b.o0, out // where the block's outputs go
		if partial {
			yb, o0, ldy = sc.yb, 0, 64
		}
		a.ldy = 4 * ldy
		step := 16 // outputs per call
		if k == sparseAVX512 {
			step = b.width
		}
		for q := 0; q < b.width; q += step {
			a.w, a.bias = unsafe.Pointer(&w[b.w0+q]), unsafe.Pointer(&p.bpad[b.o0+q])
			a.y = unsafe.Pointer(&yb[o0+q])
			switch {
			case step == 64:
				sgemv64x4AVX512(&a)
			case k == sparseAVX512:
				sgemv16x4AVX512(&a)
			default:
				sgemv16x4AVX2(&a)
			}
		}
		if partial {
			for r := range 4 {
				copy(y[r*out+b.o0:(r+1)*out], sc.yb[r*64:])
			}
		}
	}
}

// allFiniteSIMD reports whether x has no infinity or NaN.
func allFiniteSIMD(x []float32) bool {
	n := len(x) &^ 7
	if n > 0 && !sparseFinite(&x[0], n) {
		return false
	}
	for _, v := range x[n:] {
		if math.Float32bits(v)&0x7f800000 == 0x7f800000 {
			return false
		}
	}
	return true
}
