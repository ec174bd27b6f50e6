package model

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Sparse is a fully connected float32 layer whose zero weights are not
// stored: y = act(x·Wᵀ + b) with W in compressed sparse rows (per output,
// the columns and values of its non-zero weights, in column order). It
// computes the same sums as Dense in the same order, skipping the zeros:
// with AVX-512 or AVX2 in assembly (sparse_amd64.s), 32 rows at a time
// across the batch, and the rows after the whole blocks (batch 1 among
// them) either as one more block padded with zero rows or with Dense's
// kernel, which gives the same bits for finite inputs (see denseRows);
// otherwise in Go, four rows at a time so each index load serves four
// rows. Every path gives the same bits.
type Sparse struct {
	in, out int
	ptr     []int32 // out+1 offsets into col and val
	col     []int32
	val     []float32
	b       []float32
	act     Activation
	threads int

	pk   *sparsePacked // the weights laid out for the assembly, or nil
	pool *sync.Pool    // of *sparseScratch
	gt   *transposed   // W as [in][out], for the gather
}

// sparseKernel is an implementation of Sparse.Forward.
type sparseKernel int

const (
	sparseGo     sparseKernel = iota // portable Go
	sparseAVX2                       // 4 groups of 8 rows, 2 outputs at a time
	sparseAVX512                     // 2 groups of 16 rows, 2 outputs at a time
)

func (k sparseKernel) String() string {
	return [...]string{"go", "avx2", "avx512"}[k]
}

// sparseISA is the kernel Sparse uses, chosen once from the CPU's
// features. Tests switch it to compare the paths.
var sparseISA = detectSparseISA()

// sparseBlock is the number of rows the assembly kernels compute at once.
const sparseBlock = 32

// Ways to compute the rows after the whole blocks; tests force each.
const (
	restAuto  = iota // whichever is estimated cheaper
	restDense        // with the dense kernel (non-finite rows in Go)
	restBlock        // padded to a block
)

// sparseRest is how forwardSIMD computes the rows after the whole blocks.
var sparseRest = restAuto

// NewSparse returns a sparse layer from dense weights w (row-major
// [out][in]; zeros are dropped) and biases b. Weights must be finite.
// Errors wrap ErrInvalidInput.
func NewSparse(in, out int, w, b []float32, act Activation) (*Sparse, error) {
	d, err := NewDense(in, out, w, b, act) // the same checks
	if err != nil {
		return nil, fmt.Errorf("model: sparse layer: %w", err)
	}
	s := &Sparse{in: in, out: out, ptr: make([]int32, out+1), b: d.b, act: act, threads: 1, pool: &sync.Pool{}, gt: &transposed{}}
	for o := range out {
		for k, v := range w[o*in : (o+1)*in] {
			if v != 0 {
				s.col = append(s.col, int32(k))
				s.val = append(s.val, v)
			}
		}
		s.ptr[o+1] = int32(len(s.val))
	}
	s.pk = s.pack()
	return s, nil
}

// WithThreads returns a copy of s that may use a second goroutine, a
// helper shared by the process, for large batches: Forward splits batches
// of at least 128 rows and 1 M stored-weight multiply-adds between the
// caller and the helper, and a Predictor of a model with such a layer
// shares the 256-row blocks of large batches. Outputs are the same as on
// one goroutine. The helper serves one call at a time; other calls run on
// their own goroutine meanwhile. n ≤ 1 (the default) keeps every call on
// the caller's goroutine; n > 2 is treated as 2.
func (s *Sparse) WithThreads(n int) *Sparse {
	c := *s
	c.threads = max(n, 1)
	c.pool = &sync.Pool{}
	return &c
}

// threadCount is the number of goroutines the layer may use.
func (s *Sparse) threadCount() int { return s.threads }

// In is the input width.
func (s *Sparse) In() int { return s.in }

// Out is the output width.
func (s *Sparse) Out() int { return s.out }

// Activation is the activation after the affine map.
func (s *Sparse) Activation() Activation { return s.act }

// Bias returns b. It is shared: do not modify it.
func (s *Sparse) Bias() []float32 { return s.b }

// Weights returns W as a dense row-major [out][in] matrix (a new slice).
func (s *Sparse) Weights() []float32 {
	w := make([]float32, s.in*s.out)
	for o := range s.out {
		for j := s.ptr[o]; j < s.ptr[o+1]; j++ {
			w[o*s.in+int(s.col[j])] = s.val[j]
		}
	}
	return w
}

// NumParams is out*in + out, like the dense layer it replaces.
func (s *Sparse) NumParams() int { return s.in*s.out + s.out }

// NonZeros counts the stored non-zero weights and the non-zero biases.
func (s *Sparse) NonZeros() int { return len(s.val) + countNonZero(s.b) }

// Forward computes act(src·Wᵀ + b) for rows rows.
func (s *Sparse) Forward(dst, src []float32, rows int) {
	if rows <= 0 {
		return
	}
	if s.smallDense(rows) {
		s.denseRows(sparseISA, dst, src, 0, rows)
		if s.act != ReLU {
			s.act.apply(dst[:rows*s.out], s.out)
		}
		return
	}
	sc := s.scratch()
	s.run(sc, dst[:rows*s.out], src[:rows*s.in], rows)
	s.pool.Put(sc)
}

// minSparseParallel is the least work (rows × stored weights) for which
// Forward shares a batch with the helper goroutine: about 20 µs in
// assembly.
const minSparseParallel = 1 << 20

// run computes the rows, on two goroutines when the layer allows it, the
// batch is large enough and the helper is free. The helper takes whole
// blocks of sparseBlock rows at the end.
func (s *Sparse) run(sc *sparseScratch, dst, src []float32, rows int) {
	if s.threads < 2 || rows < minParallelRows || rows*len(s.val) < minSparseParallel || runtime.GOMAXPROCS(0) < 2 {
		s.rows(sc, dst, src, rows)
		return
	}
	half := (rows / 2) &^ (sparseBlock - 1)
	if sc.helper == nil {
		sc.helper = &sparseScratch{}
	}
	h := sc.helper
	h.s, h.k = s, sc.k
	h.dst, h.src, h.n = dst[half*s.out:], src[half*s.in:], rows-half
	helpers.enter()
	if helpers.tryRun(h, sc.done) {
		s.rows(sc, dst[:half*s.out], src[:half*s.in], half)
		<-sc.done
	} else {
		s.rows(sc, dst, src, rows)
	}
	helpers.leave()
	h.dst, h.src = nil, nil
}

// runHelper computes the helper's rows.
func (sc *sparseScratch) runHelper() { sc.s.rows(sc, sc.dst, sc.src, sc.n) }

// rows computes rows rows on the calling goroutine with sc's kernel.
func (s *Sparse) rows(sc *sparseScratch, dst, src []float32, rows int) {
	if sc.k == sparseGo || s.pk == nil {
		s.forwardGo(dst, src, rows)
		s.act.apply(dst, s.out)
		return
	}
	s.forwardSIMD(&sc.bufs, sc.k, dst, src, rows)
}

// sparseScratch is the scratch of one Forward call, pooled per layer.
type sparseScratch struct {
	k    sparseKernel
	bufs sparseBufs // the assembly's

	// the helper goroutine's share of a call
	done   chan struct{}
	helper *sparseScratch
	s      *Sparse
	dst    []float32
	src    []float32
	n      int
}

// scratch returns scratch for one call from s's pool.
func (s *Sparse) scratch() *sparseScratch {
	sc, _ := s.pool.Get().(*sparseScratch)
	if sc == nil {
		sc = &sparseScratch{done: make(chan struct{}, 1)}
	}
	sc.k = sparseISA
	return sc
}

// forwardGo computes src·Wᵀ + b for rows rows, without the activation.
func (s *Sparse) forwardGo(dst, src []float32, rows int) {
	in, out := s.in, s.out
	r := 0
	for ; r+4 <= rows; r += 4 {
		x0 := src[r*in : r*in+in]
		x1 := src[(r+1)*in : (r+1)*in+in]
		x2 := src[(r+2)*in : (r+2)*in+in]
		x3 := src[(r+3)*in : (r+3)*in+in]
		for o := range out {
			lo, hi := s.ptr[o], s.ptr[o+1]
			s0, s1, s2, s3 := sparseDot4(x0, x1, x2, x3, s.col[lo:hi], s.val[lo:hi])
			b := s.b[o]
			dst[r*out+o], dst[(r+1)*out+o], dst[(r+2)*out+o], dst[(r+3)*out+o] = s0+b, s1+b, s2+b, s3+b
		}
	}
	for ; r < rows; r++ {
		x := src[r*in : r*in+in]
		for o := range out {
			lo, hi := s.ptr[o], s.ptr[o+1]
			dst[r*out+o] = sparseDot(x, s.col[lo:hi], s.val[lo:hi]) + s.b[o]
		}
	}
}

// sparseDot4 is sparseDot for four rows. The float32 conversions round
// each product, so the compiler cannot fuse it with the add (as it may
// with GOAMD64=v3): the assembly kernels round it too.
func sparseDot4(x0, x1, x2, x3 []float32, col []int32, val []float32) (s0, s1, s2, s3 float32) {
	n := len(x0)
	x1, x2, x3 = x1[:n], x2[:n], x3[:n]
	val = val[:len(col)]
	for j, c := range col {
		v := val[j]
		s0 += float32(x0[c] * v)
		s1 += float32(x1[c] * v)
		s2 += float32(x2[c] * v)
		s3 += float32(x3[c] * v)
	}
	return
}

// sparseDot is Σ x[col[j]]·val[j], summed in order from +0, each product
// rounded.
func sparseDot(x []float32, col []int32, val []float32) float32 {
	val = val[:len(col)]
	var s float32
	for j, c := range col {
		s += float32(x[c] * val[j])
	}
	return s
}

// sparseFromMask builds a layer from a row-major bit mask (bit k%8 of
// byte o*((in+7)/8)+k/8 set for a stored weight) and the stored values in
// order; it reports an inconsistent mask.
func sparseFromMask(in, out int, mask []byte, vals, b []float32, act Activation) (*Sparse, error) {
	w, err := unmask(in, out, mask, vals)
	if err != nil {
		return nil, err
	}
	if slices.Contains(vals, 0) {
		return nil, fmt.Errorf("stored zero weight")
	}
	return NewSparse(in, out, w, b, act)
}
