package expect

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// rateUpper is the Clopper–Pearson (exact) upper bound of a rate observed
// as k of n, at one-sided confidence 1−alpha: the highest rate the
// observation does not rule out; −ln(alpha)/n or so when k is 0. It is 1
// when n is 0 or k is n.
func rateUpper(k, n int64, alpha float64) float64 {
	if n <= 0 || k >= n {
		return 1
	}
	return distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(1 - alpha)
}

// rateLower is the Clopper–Pearson lower bound of k of n (0 when k is 0).
func rateLower(k, n int64, alpha float64) float64 {
	if n <= 0 || k <= 0 {
		return 0
	}
	return distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(alpha)
}

// countUpper is the (1−alpha) quantile of Binomial(n, p): the smallest k
// with P(X ≤ k) ≥ 1−alpha, so more than k failing rows out of n happen by
// chance at rate p with probability at most alpha.
func countUpper(n int64, p, alpha float64) int64 {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	}
	b := distuv.Binomial{N: float64(n), P: p}
	return int64(sort.Search(int(n), func(k int) bool { return b.CDF(float64(k)) >= 1-alpha }))
}

// excessCount is the most failing rows of a new batch of n rows that are
// consistent with a reference where refBad of refN failed: the largest k
// for which the exact conditional test of two rates does not reject at
// alpha. Given k + refBad failures in all, the new batch's share of them is
// Binomial(k + refBad, π) under the hypothesis that its rate is at most
// (1+slack) times the reference's, with π = (1+slack)·n / (refN +
// (1+slack)·n); k is too many when P(X ≥ k) < alpha. Unlike bounding the
// reference rate and then the batch's noise, the one test spends alpha
// once: 7 of 10,000 rows against none of 20,000 already fail.
func excessCount(refBad, refN, n int64, slack, alpha float64) int64 {
	if n <= 0 {
		return 0
	}
	if refN <= 0 {
		return n
	}
	w := (1 + slack) * float64(n)
	pi := w / (float64(refN) + w)
	rejects := func(k int) bool {
		b := distuv.Binomial{N: float64(refBad) + float64(k), P: pi}
		return b.Survival(float64(k)-1) < alpha // P(X ≥ k)
	}
	return int64(sort.Search(int(n)+1, rejects)) - 1
}

// allowedFraction is excessCount as a fraction of the n new rows, the
// limit of a check whose rate in the reference was refBad of refN.
func allowedFraction(refBad, refN, n int64, slack, alpha float64) float64 {
	if n <= 0 {
		return 0
	}
	return math.Min(1, float64(excessCount(refBad, refN, n, slack, alpha))/float64(n))
}
