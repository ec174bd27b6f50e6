package stats

import "math"

// CDFDistances returns the Kolmogorov–Smirnov statistic sup |F_a − F_b|
// and the Wasserstein-1 distance ∫ |F_a − F_b| dx of two sorted views,
// walking their merged values once: both CDFs are step functions that
// only change at those values. Empty views give 0, 0.
//
// The walk compares the two heads once per step, takes a run of equal
// values in one move (exact views have none) and carries |F_a − F_b|
// from the step it was computed at to the next interval's area, so each
// step costs one comparison, one division and one absolute difference.
// The sums are the same, term by term, as a walk over the merged values.
func CDFDistances(a, b SortedView) (ks, w1 float64) {
	av, bv := a.Values, b.Values
	ac, bc := a.Cum[:len(av)], b.Cum[:len(bv)]
	na, nb := float64(a.N), float64(b.N)
	if len(av) == 0 && len(bv) == 0 {
		return 0, 0
	}
	i, j := 0, 0
	var fa, fb, d float64 // d = |fa − fb|
	// Before the first value both CDFs are 0: starting prev there adds
	// (x−x)·0 = 0 on the first step.
	prev := firstValue(av, bv)
	for i < len(av) && j < len(bv) {
		x, y := av[i], bv[j]
		switch {
		case x < y:
			w1 += (x - prev) * d
			i = lastEqual(av, i)
			fa = float64(ac[i]) / na
			i++
			prev = x
		case y < x:
			w1 += (y - prev) * d
			j = lastEqual(bv, j)
			fb = float64(bc[j]) / nb
			j++
			prev = y
		default:
			w1 += (x - prev) * d
			i, j = lastEqual(av, i), lastEqual(bv, j)
			fa, fb = float64(ac[i])/na, float64(bc[j])/nb
			i, j = i+1, j+1
			prev = x
		}
		d = math.Abs(fa - fb)
		if d > ks {
			ks = d
		}
	}
	// One side is done; its CDF stays where it ended.
	for ; i < len(av); i++ {
		x := av[i]
		w1 += (x - prev) * d
		i = lastEqual(av, i)
		fa = float64(ac[i]) / na
		prev = x
		d = math.Abs(fa - fb)
		if d > ks {
			ks = d
		}
	}
	for ; j < len(bv); j++ {
		y := bv[j]
		w1 += (y - prev) * d
		j = lastEqual(bv, j)
		fb = float64(bc[j]) / nb
		prev = y
		d = math.Abs(fa - fb)
		if d > ks {
			ks = d
		}
	}
	return ks, w1
}

// lastEqual returns the index of the last value of v's run of values
// equal to v[i] (v ascending).
func lastEqual(v []float64, i int) int {
	for i+1 < len(v) && v[i+1] == v[i] {
		i++
	}
	return i
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
