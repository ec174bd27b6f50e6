package model

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDenseForward(t *testing.T) {
	// y = x·Wᵀ + b with W = [[1 2 3] [-1 0 1]], b = [0.5 -2], by hand:
	// x = [1 1 1] → [6.5, -2];  x = [2 0 -1] → [-0.5, -5].
	w := []float32{1, 2, 3, -1, 0, 1}
	b := []float32{0.5, -2}
	x := []float32{1, 1, 1, 2, 0, -1}
	tests := []struct {
		act  Activation
		want []float32
	}{
		{Identity, []float32{6.5, -2, -0.5, -5}},
		{ReLU, []float32{6.5, 0, 0, 0}},
		{Tanh, []float32{float32(math.Tanh(6.5)), float32(math.Tanh(-2)), float32(math.Tanh(-0.5)), float32(math.Tanh(-5))}},
		{Sigmoid, []float32{0.9984988, 0.11920292, 0.37754067, 0.0066928509}}, // scipy.special.expit
		// scipy.special.softmax([6.5, -2]) and ([-0.5, -5])
		{Softmax, []float32{0.99979657, 0.00020342, 0.98901306, 0.01098694}},
	}
	for _, tt := range tests {
		t.Run(string(tt.act), func(t *testing.T) {
			d, err := NewDense(3, 2, w, b, tt.act)
			if err != nil {
				t.Fatal(err)
			}
			y := make([]float32, 4)
			d.Forward(y, x, 2)
			nearSlice(t, y, tt.want, 1e-6)
		})
	}
}

func TestSoftmaxStable(t *testing.T) {
	row := []float32{1000, 1001, -1e30, 1002}
	softmax(row)
	// scipy.special.softmax([0, 1, -inf, 2])
	nearSlice(t, row, []float32{0.09003057, 0.24472847, 0, 0.66524096}, 1e-6)
	if s := sigmoid(-1000); s != 0 || math.IsNaN(float64(s)) {
		t.Errorf("sigmoid(-1000) = %v", s)
	}
	if s := sigmoid(1000); s != 1 {
		t.Errorf("sigmoid(1000) = %v", s)
	}
}

// The blocked kernel gives exactly the in-order dot product for every
// shape, so a row's prediction does not depend on its batch.
func TestGemmMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][3]int{{1, 1, 1}, {3, 5, 7}, {4, 2, 2}, {9, 13, 3}, {17, 64, 33}} {
		rows, in, out := s[0], s[1], s[2]
		x, w, b := randVec(r, rows*in), randVec(r, out*in), randVec(r, out)
		y := make([]float32, rows*out)
		gemmBias(y, x, w, b, rows, in, out)
		for i := range rows {
			for o := range out {
				var want float32
				for k := range in {
					want += float32(x[i*in+k] * w[o*in+k])
				}
				if want += b[o]; y[i*out+o] != want {
					t.Fatalf("shape %v: y[%d][%d] = %v, want %v", s, i, o, y[i*out+o], want)
				}
			}
		}
	}
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func TestNewDenseRejects(t *testing.T) {
	ok := []float32{1, 2}
	tests := map[string]func() (*Dense, error){
		"zero width": func() (*Dense, error) { return NewDense(0, 1, nil, []float32{0}, Identity) },
		"short w":    func() (*Dense, error) { return NewDense(2, 1, []float32{1}, []float32{0}, Identity) },
		"short b":    func() (*Dense, error) { return NewDense(2, 1, ok, nil, Identity) },
		"activation": func() (*Dense, error) { return NewDense(2, 1, ok, []float32{0}, "gelu") },
		"NaN weight": func() (*Dense, error) {
			return NewDense(2, 1, []float32{1, float32(math.NaN())}, []float32{0}, Identity)
		},
		"Inf bias": func() (*Dense, error) { return NewDense(2, 1, ok, []float32{float32(math.Inf(1))}, Identity) },
	}
	for name, f := range tests {
		if _, err := f(); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: got %v, want ErrInvalidInput", name, err)
		}
	}
	d, err := NewDense(2, 2, []float32{0, 1, 0, 2}, []float32{0, 3}, ReLU)
	if err != nil {
		t.Fatal(err)
	}
	if d.NumParams() != 6 || d.NonZeros() != 3 {
		t.Errorf("params %d nonzeros %d, want 6 and 3", d.NumParams(), d.NonZeros())
	}
}
