package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// rankError returns how far (as a fraction of n) the reported value v is
// from rank p·n in sorted data: 0 when p·n lies between the number of values
// below v and the number at or below v.
func rankError(sorted []float64, p, v float64) float64 {
	n := float64(len(sorted))
	lo := float64(sort.SearchFloat64s(sorted, v))
	hi := float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > v }))
	target := p * n
	switch {
	case target < lo:
		return (lo - target) / n
	case target > hi:
		return (target - hi) / n
	}
	return 0
}

// distributions of 1e6-value accuracy tests.
func distributions(rng *rand.Rand, n int) map[string][]float64 {
	gen := func(f func() float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f()
		}
		return v
	}
	return map[string][]float64{
		"uniform":   gen(rng.Float64),
		"normal":    gen(rng.NormFloat64),
		"lognormal": gen(func() float64 { return math.Exp(2 * rng.NormFloat64()) }),
		"ties":      gen(func() float64 { return float64(int(10 * math.Pow(rng.Float64(), 4))) }),
		"zipf":      gen(func() float64 { return float64(int(1 / (rng.Float64() + 1e-6))) }),
		"sorted":    slices.Sorted(slices.Values(gen(rng.ExpFloat64))),
	}
}

func checkQuantiles(t *testing.T, q *Quantiles, sorted []float64) {
	t.Helper()
	ps := []float64{0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999}
	worst := 0.0
	for i, v := range q.QuantilesAt(ps) {
		e := rankError(sorted, ps[i], v)
		worst = max(worst, e)
		if e > 0.005 {
			t.Errorf("p%g: got %g, rank error %.4f > 0.005", 100*ps[i], v, e)
		}
	}
	t.Logf("worst rank error %.5f over %d values, %d retained", worst, len(sorted), q.Retained())
}
