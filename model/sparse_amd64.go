//go:build !purego

package model

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"sync/atomic"
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

// sparsePacked is a Sparse layer's weights laid out for the assembly.
//
// The block kernel (32 rows) computes outputs in pairs of about the same
// number of stored weights (the outputs sorted by that number); the
// shorter of a pair is padded with weight 0 at xT's last column, which is
// always 0. With an odd number of outputs the last pair's second output is
// a dummy that writes yT's last row.
//
// The rows after the whole blocks may instead go through the dense
// kernel (see denseRows), with W packed into its panels on first use:
// about as large as the dense matrix, they are only needed for small
// batches.
type sparsePacked struct {
	xcols, ycols int       // columns of xT (16·⌈in/16⌉ + 1) and rows of yT
	pairs        []int32   // per pair of outputs: o0, o1, first entry, entries
	ent          []int32   // per entry: 32·col and the weight's bits, for o0 then o1
	bpad         []float32 // b padded with zeros to ycols

	mu    sync.Mutex            // builds dense
	dense atomic.Pointer[Dense] // W with its zeros, panels only (see buildDense)

	// blockCost and rowCost estimate the time of a padded block of 32 rows
	// and of one row with the dense kernel (see costs), to choose between
	// them for the rows left after the whole blocks.
	blockCost, rowCost int
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
	p.costs(s)
	return p
}

// costs estimates blockCost and rowCost in picoseconds. A block costs
// about 1.14 ns per weight of its pairs (stored or padding), 2.28 ns per
// column of xT and row of yT (the transposes) and 153 ns per call; a row
// with the dense kernel about 22.3 ps per multiply-add (in · out rounded
// up to a panel) and 17.5 ns. These are least-squares fits (relative
// error) to the times of a padded block and of 4 to 31 rows on AMD Zen 4
// with AVX-512, over layers from 16×16 to 512×512 at 30 % to 97 %
// sparsity; the AVX2 kernels' times differ little in ratio, and the same
// constants choose as well for them (BenchmarkSparseRest measures both
// ways). Rows are estimated at the four-row tiles' rate: single rows
// (the last rows of a rest that is not a multiple of 4) cost more, about
// 38.6 ps per multiply-add and 66 ns, which only matters where a block
// costs no more than 2 or 3 rows, at 97 % sparsity and beyond.
func (p *sparsePacked) costs(s *Sparse) {
	weights := (len(p.ent) - 4) / 2 // 2 per entry, less the terminator
	p.blockCost = weights*1142 + (pad16(s.in)+pad16(s.out))*2284 + 153000
	p.rowCost = s.in*pad16(s.out)*223/10 + 17500
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
		for j := range n {
			c0, v0 := entry(o0, j)
			c1, v1 := entry(o1, j)
			p.ent = append(p.ent, c0, v0, c1, v1)
		}
	}
	p.ent = append(p.ent, 0, 0, 0, 0) // so that &ent[0] exists
}

// alignedFloats returns n zeros starting at a multiple of 64 bytes.
func alignedFloats(n int) []float32 {
	buf := make([]float32, n+15)
	off := int(-uintptr(unsafe.Pointer(&buf[0])) & 63 / 4)
	return buf[off : off+n : off+n]
}

// forwardSIMD computes act(src·Wᵀ + b) for rows rows with the assembly
// kernel k and buffers sc: whole blocks of 32 rows, then the rest as a
// padded block or with the dense kernel, whichever is estimated cheaper.
// A relu is fused into the kernels.
func (s *Sparse) forwardSIMD(sc *sparseBufs, k sparseKernel, dst, src []float32, rows int) {
	in, out := s.in, s.out
	full := rows &^ (sparseBlock - 1)
	rest := rows - full
	asBlock := rest > 0 && s.restAsBlock(rest)
	if full > 0 || asBlock {
		sc.grow(s.pk, in, out)
	}
	for r := 0; r < full; r += sparseBlock {
		s.block(sc, k, dst[r*out:(r+sparseBlock)*out], src[r*in:(r+sparseBlock)*in])
	}
	switch {
	case asBlock:
		copy(sc.xpad, src[full*in:])
		clear(sc.xpad[rest*in:])
		s.block(sc, k, sc.ypad, sc.xpad)
		copy(dst[full*out:], sc.ypad[:rest*out])
	case rest > 0:
		s.denseRows(k, dst, src, full, rows)
	}
	if s.act != ReLU {
		s.act.apply(dst, out)
	}
}

// smallDense reports whether Forward computes a batch of rows rows with
// the dense kernel alone (see denseRows): fewer than sparseBlock rows that
// are cheaper that way than as a padded block. They need no scratch,
// which saves batch 1 the pool's cost, a few percent of a small layer's
// time.
func (s *Sparse) smallDense(rows int) bool {
	return rows < sparseBlock && sparseISA != sparseGo && s.pk != nil && !s.restAsBlock(rows)
}

// restAsBlock reports whether rest rows after the whole blocks are
// computed as a padded block rather than with the dense kernel.
func (s *Sparse) restAsBlock(rest int) bool {
	switch sparseRest {
	case restDense:
		return false
	case restBlock:
		return true
	}
	return rest*s.pk.rowCost >= s.pk.blockCost
}

// sparseBufs are the buffers of one Forward call's assembly kernels.
type sparseBufs struct {
	xT, yT     []float32 // a block's inputs and outputs, transposed
	xpad, ypad []float32 // a partial block's rows, padded to sparseBlock
}

// grow sizes the buffers for a layer laid out as p.
func (sc *sparseBufs) grow(p *sparsePacked, in, out int) {
	if sc.xT == nil {
		sc.xT = alignedFloats(p.xcols * sparseBlock)
		sc.yT = alignedFloats(p.ycols * sparseBlock)
		sc.xpad = make([]float32, sparseBlock*in)
		sc.ypad = make([]float32, sparseBlock*out)
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

// denseRows computes rows [lo, hi) of dst, a relu included but no other
// activation, with the dense kernel matching k, then recomputes in Go
// (forwardGo) the rows whose input holds an infinity or a NaN. For finite
// rows the dense kernel gives the sparse sums' bits: it adds the products
// in column order to a sum that starts at +0 like the sparse code, plus a
// product ±0 for each zero weight, and adding ±0 leaves a sum unchanged
// as long as it is not −0, which a sum that starts at +0 never is under
// round-to-nearest (x + y is −0 only when both are −0). With an infinite
// or NaN input, the zero weights' products are NaNs the sparse sum skips.
// Each row is checked on its own, so a row's output never depends on the
// other rows of its batch.
func (s *Sparse) denseRows(k sparseKernel, dst, src []float32, lo, hi int) {
	dk := denseAVX2
	if k == sparseAVX512 {
		dk = denseAVX512
	}
	d := s.pk.dense.Load()
	if d == nil {
		d = s.pk.buildDense(s)
	}
	runDense(dk, d, dst, src, lo, hi)
	if !allFiniteSIMD(src[lo*s.in : hi*s.in]) {
		s.nonFiniteRows(dst, src, lo, hi)
	}
}

// nonFiniteRows recomputes in Go the rows of [lo, hi) whose input holds
// an infinity or a NaN.
func (s *Sparse) nonFiniteRows(dst, src []float32, lo, hi int) {
	in, out := s.in, s.out
	for r := lo; r < hi; r++ {
		if x := src[r*in : (r+1)*in]; !allFiniteSIMD(x) {
			y := dst[r*out : (r+1)*out]
			s.forwardGo(y, x, 1)
			if s.act == ReLU {
				s.act.apply(y, out)
			}
		}
	}
}

// buildDense returns p.dense, building it on first use: s's weights as
// a Dense layer for runDense. It holds the panels only (no row-major copy
// of W, so it must not run through Dense.Forward).
func (p *sparsePacked) buildDense(s *Sparse) *Dense {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dense.Load() == nil {
		panels, bpad := packPanels(s.Weights(), s.b, s.in, s.out)
		p.dense.Store(&Dense{in: s.in, out: s.out, b: s.b, act: s.act, threads: 1, panels: panels, bpad: bpad})
	}
	return p.dense.Load()
}

// allFiniteSIMD reports whether x has no infinity or NaN.
func allFiniteSIMD(x []float32) bool { return len(x) == 0 || sparseFinite(&x[0], len(x)) }
