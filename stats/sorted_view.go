package stats

import (
	"cmp"
	"iter"
	"math"
	"slices"
	"sort"
)

// SortedView is the content of a [Quantiles] sketch sorted by value with
// cumulative weights: the form every query reads. Build it once with
// [Quantiles.SortedView] and ask it many questions; it does not change
// when the sketch does.
type SortedView struct {
	Values []float64 // retained values, ascending
	Cum    []int64   // Cum[i] is the total weight of Values[:i+1]
	N      int64     // total weight
	Min    float64   // smallest value added
	Max    float64   // largest value added
	// RankError bounds the error of every rank and CDF answer as a
	// fraction of N (see [Quantiles.RankError]); 0 when the view is exact.
	RankError float64
}

// CountsView returns the exact sorted view of values with their counts
// (positive; values distinct and finite, in any order); n, the number of
// values, sizes the buffers. Its RankError is 0. Sorting is linear in the
// number of values for the orders counts come in: already sorted (as
// sequential ids and times are counted), a few ascending runs (a saved
// summary lists its counters by count, then key, and the key order of
// non-negative numbers is their value order), else an LSD radix sort on
// order-preserving keys.
func CountsView(n int, counts iter.Seq2[float64, int64]) SortedView {
	keys, cum := make([]uint64, 0, n), make([]int64, 0, n)
	for v, c := range counts {
		keys, cum = append(keys, floatKey(v)), append(cum, c)
	}
	keys, cum = sortKeyCounts(keys, cum)
	sv := SortedView{Values: make([]float64, len(keys)), Cum: cum}
	var c int64
	for i, k := range keys {
		c += cum[i]
		sv.Values[i], cum[i] = keyFloat(k), c
	}
	sv.N = c
	if len(keys) > 0 {
		sv.Min, sv.Max = sv.Values[0], sv.Values[len(keys)-1]
	}
	return sv
}

// Exact reports whether every answer of the view is exact.
func (sv SortedView) Exact() bool { return sv.RankError == 0 }

// SortedView returns the sorted, weighted content of q.
func (q *Quantiles) SortedView() SortedView {
	type item struct {
		v float64
		w int64
	}
	items := make([]item, 0, q.Retained())
	for h, l := range q.Levels {
		for _, v := range l {
			items = append(items, item{v, int64(1) << h})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.v, b.v) })
	sv := SortedView{N: q.N, Min: q.Min, Max: q.Max, RankError: q.RankError()}
	sv.Values = make([]float64, len(items))
	sv.Cum = make([]int64, len(items))
	var c int64
	for i, it := range items {
		c += it.w
		sv.Values[i], sv.Cum[i] = it.v, c
	}
	return sv
}

// Rescaled returns sv with every value mapped by conv, which must be
// increasing (a positive scale): ranks and weights are unchanged.
func (sv SortedView) Rescaled(conv func(float64) float64) SortedView {
	out := sv
	out.Values = make([]float64, len(sv.Values))
	for i, v := range sv.Values {
		out.Values[i] = conv(v)
	}
	out.Min, out.Max = conv(sv.Min), conv(sv.Max)
	return out
}

// Quantile returns the smallest retained value whose cumulative weight
// reaches p·N, clamped to [Min, Max]: Min for p <= 0, Max for p >= 1, and
// 0 when empty.
func (sv SortedView) Quantile(p float64) float64 {
	if sv.N == 0 || len(sv.Values) == 0 {
		return 0
	}
	if p <= 0 {
		return sv.Min
	}
	if p >= 1 {
		return sv.Max
	}
	target := p * float64(sv.N)
	i := sort.Search(len(sv.Cum), func(i int) bool { return float64(sv.Cum[i]) >= target })
	i = min(i, len(sv.Values)-1)
	return min(max(sv.Values[i], sv.Min), sv.Max)
}

// Rank returns the estimated number of values <= x.
func (sv SortedView) Rank(x float64) int64 {
	if sv.N == 0 || x < sv.Min {
		return 0
	}
	if x >= sv.Max {
		return sv.N
	}
	i := sort.Search(len(sv.Values), func(i int) bool { return sv.Values[i] > x })
	if i == 0 {
		return 0
	}
	return sv.Cum[i-1]
}

// CountEqual returns the estimated weight of values equal to x.
func (sv SortedView) CountEqual(x float64) int64 {
	i := sort.SearchFloat64s(sv.Values, x)
	var below int64
	if i > 0 {
		below = sv.Cum[i-1]
	}
	return sv.Rank(x) - below
}

// Quantile returns the estimated p-quantile (0 <= p <= 1): a value whose
// rank is within the sketch's rank error of p·N. It returns 0 for an empty
// sketch, Min for p <= 0 and Max for p >= 1.
func (q *Quantiles) Quantile(p float64) float64 {
	return q.SortedView().Quantile(p)
}

// QuantilesAt returns Quantile(p) for each p, building the sorted view once.
func (q *Quantiles) QuantilesAt(ps []float64) []float64 {
	sv := q.SortedView()
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = sv.Quantile(p)
	}
	return out
}

// RankError is the bound on the error of any rank or CDF answer, as a
// fraction of N, at 99 % confidence: 0 while the sketch is exact, else
// 2.446/K^0.9433, the constant Apache DataSketches measured for KLL's
// double-sided (all ranks) error — 0.35 % at the default K of 1024. The
// larger input buffer of this sketch only lowers the error.
func (q *Quantiles) RankError() float64 {
	if q.Exact() {
		return 0
	}
	return 2.446 / math.Pow(float64(q.K), 0.9433)
}

// CDF returns the estimated fraction of values <= x, or 0 when empty.
func (q *Quantiles) CDF(x float64) float64 {
	if q.N == 0 {
		return 0
	}
	return float64(q.SortedView().Rank(x)) / float64(q.N)
}
