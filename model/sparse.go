package model

import (
	"fmt"
	"slices"
)

// Sparse is a fully connected float32 layer whose zero weights are not
// stored: y = act(x·Wᵀ + b) with W in compressed sparse rows (per output,
// the columns and values of its non-zero weights, in column order). It
// computes the same sums as Dense in the same order, skipping the zeros,
// four input rows at a time so each index load serves four rows.
type Sparse struct {
	in, out int
	ptr     []int32 // out+1 offsets into col and val
	col     []int32
	val     []float32
	b       []float32
	act     Activation
}

// NewSparse returns a sparse layer from dense weights w (row-major
// [out][in]; zeros are dropped) and biases b. Weights must be finite.
// Errors wrap ErrInvalidInput.
func NewSparse(in, out int, w, b []float32, act Activation) (*Sparse, error) {
	d, err := NewDense(in, out, w, b, act) // the same checks
	if err != nil {
		return nil, fmt.Errorf("model: sparse layer: %w", err)
	}
	s := &Sparse{in: in, out: out, ptr: make([]int32, out+1), b: d.b, act: act}
	for o := range out {
		for k, v := range w[o*in : (o+1)*in] {
			if v != 0 {
				s.col = append(s.col, int32(k))
				s.val = append(s.val, v)
			}
		}
		s.ptr[o+1] = int32(len(s.val))
	}
	return s, nil
}

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
	s.act.apply(dst[:rows*out], out)
}

func sparseDot4(x0, x1, x2, x3 []float32, col []int32, val []float32) (s0, s1, s2, s3 float32) {
	n := len(x0)
	x1, x2, x3 = x1[:n], x2[:n], x3[:n]
	val = val[:len(col)]
	for j, c := range col {
		v := val[j]
		s0 += x0[c] * v
		s1 += x1[c] * v
		s2 += x2[c] * v
		s3 += x3[c] * v
	}
	return
}

func sparseDot(x []float32, col []int32, val []float32) float32 {
	val = val[:len(col)]
	var s float32
	for j, c := range col {
		s += x[c] * val[j]
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
