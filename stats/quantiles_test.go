package stats

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestQuantilesAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, vals := range distributions(rng, 1_000_000) {
		t.Run(name, func(t *testing.T) {
			sorted := slices.Sorted(slices.Values(vals))
			q := NewQuantiles(0)
			for s := 0; s < len(vals); s += 1000 {
				q.Update(vals[s:min(s+1000, len(vals))])
			}
			if q.N != int64(len(vals)) || q.Min != sorted[0] || q.Max != sorted[len(sorted)-1] {
				t.Fatalf("n %d min %g max %g", q.N, q.Min, q.Max)
			}
			checkQuantiles(t, q, sorted)
		})
	}
}

// TestQuantilesMerge merges 37 uneven parts in two orders; both stay within
// the error and Merge is commutative.
func TestQuantilesMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	vals := distributions(rng, 1_000_000)["lognormal"]
	sorted := slices.Sorted(slices.Values(vals))
	var parts []*Quantiles
	for s := 0; s < len(vals); {
		e := min(s+1+rng.IntN(60000), len(vals))
		p := NewQuantiles(0)
		p.Update(vals[s:e])
		parts = append(parts, p)
		s = e
	}
	fwd, rev := NewQuantiles(0), NewQuantiles(0)
	for i := range parts {
		fwd.Merge(parts[i])
		rev.Merge(parts[len(parts)-1-i])
	}
	checkQuantiles(t, fwd, sorted)
	checkQuantiles(t, rev, sorted)

	a, b := parts[0].Clone(), parts[1].Clone()
	a.Merge(parts[1])
	b.Merge(parts[0])
	if !slices.Equal(a.QuantilesAt([]float64{0.1, 0.5, 0.9}), b.QuantilesAt([]float64{0.1, 0.5, 0.9})) {
		t.Error("a.Merge(b) and b.Merge(a) differ")
	}
}

func TestQuantilesSmall(t *testing.T) {
	q := NewQuantiles(0)
	if got := q.Quantile(0.5); got != 0 {
		t.Errorf("empty sketch median %g, want 0", got)
	}
	q.Update([]float64{5, 1, 3, 2, 4})
	for _, tc := range []struct{ p, want float64 }{{0, 1}, {0.2, 1}, {0.5, 3}, {0.8, 4}, {1, 5}} {
		if got := q.Quantile(tc.p); got != tc.want {
			t.Errorf("Quantile(%g) = %g, want %g", tc.p, got, tc.want)
		}
	}
	if got := q.CDF(3); got != 0.6 {
		t.Errorf("CDF(3) = %g, want 0.6", got)
	}
	h := q.EquiWidth(2)
	if !slices.Equal(h.Edges, []float64{1, 3, 5}) || !slices.Equal(h.Counts, []int64{3, 2}) {
		t.Errorf("EquiWidth(2) = %+v, want edges [1 3 5] counts [3 2]", h)
	}
}

func TestSortFloats(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var scratch []uint64
	for _, n := range []int{0, 1, 63, 64, 1000, 5000} {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64() * 1e3
			if i%7 == 0 {
				v[i] = float64(int(v[i]))
			}
		}
		if n > 2 {
			v[0], v[1] = 0, -5e-324
		}
		want := slices.Sorted(slices.Values(v))
		sortFloats(v, &scratch)
		if !slices.Equal(v, want) {
			t.Errorf("n=%d: not sorted", n)
		}
	}
}
