package stats

import (
	"slices"
	"testing"
)

// TestReadable checks the scale chosen for each shape and that every
// value is counted, the tails in bins of their own.
func TestReadable(t *testing.T) {
	bulk := func(extra ...float64) ([]float64, []int64) {
		var v []float64
		var c []int64
		for x := -20; x <= 180; x++ {
			v, c = append(v, float64(x)), append(c, 100)
		}
		for _, x := range extra {
			v, c = append(v, x), append(c, 1)
		}
		return v, c
	}
	tests := []struct {
		name  string
		vals  []float64
		scale string
		first []float64 // leading edges
	}{
		{"no tails", []float64{1, 2, 3, 4}, ScaleLinear, []float64{1}},
		{"one value", []float64{5}, ScaleLinear, []float64{5, 5}},
		{"long right tail", nil, ScaleTails, []float64{-20, 0, 20}},
		{"decades", []float64{1, 10, 100, 1000, 10000}, ScaleLog, []float64{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vals, counts := tc.vals, make([]int64, len(tc.vals))
			for i := range counts {
				counts[i] = 1
			}
			if tc.name == "long right tail" {
				vals, counts = bulk(1500, 1688)
			}
			h := CountsView(len(vals), func(yield func(float64, int64) bool) {
				for i, v := range vals {
					if !yield(v, counts[i]) {
						return
					}
				}
			}).Readable(20)
			if h.Scale != tc.scale {
				t.Fatalf("scale %s, want %s (edges %v)", h.Scale, tc.scale, h.Edges)
			}
			var n, want int64
			for _, c := range h.Counts {
				n += c
			}
			for _, c := range counts {
				want += c
			}
			if n != want || !slices.IsSorted(h.Edges) || len(h.Counts) != len(h.Edges)-1 {
				t.Errorf("counts %v sum %d, want %d; edges %v", h.Counts, n, want, h.Edges)
			}
			if got := h.Edges[:len(tc.first)]; !slices.Equal(got, tc.first) {
				t.Errorf("edges start %v, want %v", got, tc.first)
			}
			if tc.scale == ScaleTails {
				// the two extreme values sit alone in the last bin, above the bulk
				if c := h.Counts[len(h.Counts)-1]; c != 2 || h.Edges[len(h.Edges)-1] != 1688 {
					t.Errorf("last bin %d values up to %g, want 2 up to 1688", c, h.Edges[len(h.Edges)-1])
				}
			}
		})
	}
}
