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

// CDFDistances returns, bit for bit, what a walk over the merged values
// one at a time returns, with repeated values (sketch views), one-sided
// tails and empty sides.
func TestCDFDistancesBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []struct{ n, m, levels int }{
		{1, 1, 3}, {50, 70, 10}, {2000, 1500, 400}, {3000, 3000, 1 << 30}, {300, 0, 5}, {0, 40, 7},
	} {
		for _, dup := range []bool{false, true} {
			a, b := randomView(rng, tc.n, tc.levels, 0, dup), randomView(rng, tc.m, tc.levels, 1.5, dup)
			ks, w1 := CDFDistances(a, b)
			wantKS, wantW1 := mergedWalkDistances(a, b)
			if math.Float64bits(ks) != math.Float64bits(wantKS) || math.Float64bits(w1) != math.Float64bits(wantW1) {
				t.Errorf("n=%d m=%d dup=%v: ks %v w1 %v, want %v %v", tc.n, tc.m, dup, ks, w1, wantKS, wantW1)
			}
		}
	}
}

// randomView returns a sorted view of n values from levels levels,
// shifted; with dup, values repeat in the view as a sketch's may.
func randomView(rng *rand.Rand, n, levels int, shift float64, dup bool) SortedView {
	sv := SortedView{}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = float64(rng.IntN(levels))/3 + shift
	}
	slices.Sort(vals)
	if !dup {
		vals = slices.Compact(vals)
	}
	var c int64
	for _, v := range vals {
		c += 1 + rng.Int64N(5)
		sv.Values, sv.Cum = append(sv.Values, v), append(sv.Cum, c)
	}
	sv.N = c
	return sv
}

// mergedWalkDistances is the walk CDFDistances replaced: one merged value
// at a time, |F_a − F_b| recomputed for each interval.
func mergedWalkDistances(a, b SortedView) (ks, w1 float64) {
	av, bv := a.Values, b.Values
	na, nb := float64(a.N), float64(b.N)
	if len(av) == 0 && len(bv) == 0 {
		return 0, 0
	}
	i, j := 0, 0
	var fa, fb float64
	prev := firstValue(av, bv)
	for i < len(av) || j < len(bv) {
		var x float64
		if j == len(bv) || i < len(av) && av[i] <= bv[j] {
			x = av[i]
		} else {
			x = bv[j]
		}
		w1 += (x - prev) * math.Abs(fa-fb)
		for i < len(av) && av[i] == x {
			fa = float64(a.Cum[i]) / na
			i++
		}
		for j < len(bv) && bv[j] == x {
			fb = float64(b.Cum[j]) / nb
			j++
		}
		ks = max(ks, math.Abs(fa-fb))
		prev = x
	}
	return ks, w1
}
