package drift

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// PSIEpsilon replaces the share of a bin that is empty on either side before
// the PSI sum, so the logarithm stays finite (the value Evidently and most
// monitoring tools use). Shares are not renormalized afterwards.
const PSIEpsilon = 1e-4

// psi returns the Population Stability Index of two distributions over the
// same bins:
//
//	PSI = Σ_i (c_i − r_i) · ln(c_i / r_i)
//
// where r_i and c_i are the reference and current shares of bin i, each
// replaced by PSIEpsilon when it is 0.
func psi(ref, cur []float64) float64 {
	var s float64
	lr, lc, lt := math.NaN(), math.NaN(), 0.0 // the last bin's shares and term
	for i := range ref {
		r, c := ref[i], cur[i]
		if r != lr || c != lc { // runs of equal bins (one-sided counts of 1) repeat the term
			lr, lc = r, c
			if r == 0 {
				r = PSIEpsilon
			}
			if c == 0 {
				c = PSIEpsilon
			}
			lt = (c - r) * math.Log(c/r)
		}
		s += lt
	}
	return s
}

// jensenShannon returns the Jensen–Shannon distance in base 2 (between 0
// and 1) of two distributions over the same bins: the square root of
// (KL(p‖m) + KL(q‖m))/2 with m = (p+q)/2, after normalizing p and q to sum
// to 1, as scipy.spatial.distance.jensenshannon(p, q, base=2).
func jensenShannon(p, q []float64) float64 {
	sp, sq := sum(p), sum(q)
	if sp == 0 || sq == 0 {
		return 0
	}
	var d float64
	for i := range p {
		a, b := p[i]/sp, q[i]/sq
		switch {
		case a > 0 && b > 0:
			m := (a + b) / 2
			d += a * math.Log2(a/m)
			d += b * math.Log2(b/m)
		case a > 0: // m = a/2 and log2(2) = 1 exactly
			d += a
		case b > 0:
			d += b
		}
	}
	return math.Sqrt(max(d/2, 0))
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// shares divides counts by their total (all zeros when the total is 0).
func shares(counts []float64) []float64 {
	t := sum(counts)
	out := make([]float64, len(counts))
	if t == 0 {
		return out
	}
	for i, c := range counts {
		out[i] = c / t
	}
	return out
}

// kolmogorovSF returns P(K > x) for the Kolmogorov distribution, the limit
// of √n·D_n: 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²x²) (scipy.stats.kstwobign.sf).
// For small x the series converges slowly, so the complementary series
// 1 − √(2π)/x Σ_{k≥1} exp(−(2k−1)²π²/(8x²)) is used.
func kolmogorovSF(x float64) float64 {
	switch {
	case x <= 0:
		return 1
	case x < 1:
		var s float64
		for k := 1; k <= 10; k++ {
			o := float64(2*k - 1)
			s += math.Exp(-o * o * math.Pi * math.Pi / (8 * x * x))
		}
		return min(1, max(0, 1-math.Sqrt(2*math.Pi)/x*s))
	}
	var s float64
	for k := 1; k <= 100; k++ {
		t := math.Exp(-2 * float64(k*k) * x * x)
		if k%2 == 0 {
			t = -t
		}
		s += t
		if math.Abs(t) < 1e-18 {
			break
		}
	}
	return min(1, max(0, 2*s))
}

// chiSquare returns the chi-square statistic of homogeneity of two rows of
// counts over the same categories (a 2×k contingency table, no Yates
// correction), its degrees of freedom and p-value, as
// scipy.stats.chi2_contingency(table, correction=False). Categories empty on
// both sides are skipped.
func chiSquare(ref, cur []float64) (stat float64, dof int, p float64) {
	nr, nc := sum(ref), sum(cur)
	n := nr + nc
	if nr == 0 || nc == 0 {
		return 0, 0, 1
	}
	k := 0
	lr, lc, lt := math.NaN(), math.NaN(), 0.0 // the last bin's counts and term
	for i := range ref {
		col := ref[i] + cur[i]
		if col == 0 {
			continue
		}
		k++
		if ref[i] != lr || cur[i] != lc { // equal bins in a row repeat the term
			lr, lc = ref[i], cur[i]
			er, ec := nr*col/n, nc*col/n
			lt = (ref[i]-er)*(ref[i]-er)/er + (cur[i]-ec)*(cur[i]-ec)/ec
		}
		stat += lt
	}
	if k < 2 {
		return 0, 0, 1
	}
	dof = k - 1
	p = distuv.ChiSquared{K: float64(dof)}.Survival(stat)
	return stat, dof, p
}
