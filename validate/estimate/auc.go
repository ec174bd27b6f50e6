package estimate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// ascending returns the row indexes sorted by score, ascending (stable).
func ascending(scores []float32) []int32 {
	order := make([]int32, len(scores))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(scores[a], scores[b]) })
	return order
}

// expectedAUC is the area under the expected ROC curve: tie groups of
// scores from the highest down, each adding its calibrated probabilities
// to the true positives and their complements to the false positives,
// the area by trapezoids over the rates.
func expectedAUC(scores []float32, cal []float64) float64 {
	order := ascending(scores)
	var tp, fp, area float64
	for hi := len(order); hi > 0; {
		lo := hi - 1
		for lo > 0 && scores[order[lo-1]] == scores[order[hi-1]] {
			lo--
		}
		var dtp, dfp float64
		for _, i := range order[lo:hi] {
			dtp += cal[i]
			dfp += 1 - cal[i]
		}
		area += dfp * (tp + dtp/2)
		tp, fp = tp+dtp, fp+dfp
		hi = lo
	}
	if tp == 0 || fp == 0 {
		return math.NaN()
	}
	return area / (tp * fp)
}

// ranks are the 1-based ranks of scores, ascending, ties averaged.
func ranks(scores []float32) []float64 {
	order := ascending(scores)
	r := make([]float64, len(scores))
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && scores[order[hi]] == scores[order[lo]] {
			hi++
		}
		mid := float64(lo+hi+1) / 2
		for _, i := range order[lo:hi] {
			r[i] = mid
		}
		lo = hi
	}
	return r
}

// aucFromRanks is the Mann–Whitney AUC of the positives whose ranks sum
// to rankSum, among n rows of which pos are positive.
func aucFromRanks(rankSum, pos float64, n int) float64 {
	neg := float64(n) - pos
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// binarySampler draws labels from the calibrated probabilities and
// measures the metrics a binary model's fixed decisions and ranks would
// then have.
type binarySampler struct {
	pred  []bool
	cal   []float64
	ranks []float64
}

func newBinarySampler(scores []float32, cal []float64, pred []bool) *binarySampler {
	return &binarySampler{pred: pred, cal: cal, ranks: ranks(scores)}
}

// sample writes one draw's accuracy, precision, recall, F1 and AUC.
func (b *binarySampler) sample(rng *rand.Rand, out []float64) {
	var c confusion
	var pos, rankSum float64
	for i, p := range b.cal {
		y := rng.Float64() < p
		switch {
		case y && b.pred[i]:
			c.tp++
		case y:
			c.fn++
		case b.pred[i]:
			c.fp++
		default:
			c.tn++
		}
		if y {
			pos++
			rankSum += b.ranks[i]
		}
	}
	out[0], out[1], out[2], out[3] = c.accuracy(), c.precision(), c.recall(), c.f1()
	out[4] = aucFromRanks(rankSum, pos, len(b.cal))
}
