package stats

import "math"

// CDFDistances returns the Kolmogorov–Smirnov statistic sup |F_a − F_b|
// and the Wasserstein-1 distance ∫ |F_a − F_b| dx of two sorted views,
// walking their merged values once: both CDFs are step functions that
// only change at those values. Empty views give 0, 0.
func CDFDistances(a, b SortedView) (ks, w1 float64) {
	av, bv := a.Values, b.Values
	na, nb := float64(a.N), float64(b.N)
	if len(av) == 0 && len(bv) == 0 {
		return 0, 0
	}
	i, j := 0, 0
	var fa, fb float64
	// Before the first value both CDFs are 0: starting prev there adds
	// (x−x)·0 = 0 on the first step.
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

// firstValue returns the smaller first value of two ascending slices, not
// both empty.
func firstValue(a, b []float64) float64 {
	switch {
	case len(a) == 0:
		return b[0]
	case len(b) == 0:
		return a[0]
	}
	return min(a[0], b[0])
}
