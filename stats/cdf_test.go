package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// CDFDistances agrees with KS and W1 computed from the raw samples: KS as
// the largest CDF gap over every value, W1 by integrating the gap between
// consecutive values (what scipy.stats.wasserstein_distance computes).
func TestCDFDistances(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, tc := range []struct{ n, m, levels int }{{1, 1, 3}, {50, 70, 10}, {2000, 1500, 400}, {300, 0, 5}} {
		a, b := make([]float64, tc.n), make([]float64, tc.m)
		for i := range a {
			a[i] = float64(rng.IntN(tc.levels)) - 3
		}
		for i := range b {
			b[i] = float64(rng.IntN(tc.levels)) / 2
		}
		ks, w1 := CDFDistances(sampleView(a), sampleView(b))
		wantKS, wantW1 := bruteDistances(a, b)
		if math.Abs(ks-wantKS) > 1e-12 || math.Abs(w1-wantW1) > 1e-9*max(1, wantW1) {
			t.Errorf("n=%d m=%d: ks %v w1 %v, want %v %v", tc.n, tc.m, ks, w1, wantKS, wantW1)
		}
	}
}

func sampleView(v []float64) SortedView {
	counts := map[float64]int64{}
	for _, x := range v {
		counts[x]++
	}
	return CountsView(len(counts), func(yield func(float64, int64) bool) {
		for x, c := range counts {
			if !yield(x, c) {
				return
			}
		}
	})
}

func bruteDistances(a, b []float64) (ks, w1 float64) {
	all := slices.Concat(a, b)
	slices.Sort(all)
	all = slices.Compact(all)
	cdf := func(v []float64, x float64) float64 {
		if len(v) == 0 {
			return 0
		}
		n := 0
		for _, y := range v {
			if y <= x {
				n++
			}
		}
		return float64(n) / float64(len(v))
	}
	for i, x := range all {
		d := math.Abs(cdf(a, x) - cdf(b, x))
		ks = max(ks, d)
		if i+1 < len(all) {
			w1 += d * (all[i+1] - x)
		}
	}
	return ks, w1
}
