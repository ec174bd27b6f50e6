package validate

import (
	"cmp"
	"slices"
	"sort"
)

// quantileView is the sorted, weighted content of a sketch, built once per
// query batch.
type quantileView struct {
	vals []float64
	cum  []int64 // cum[i] is the total weight of vals[:i+1]
	n    int64
	lo   float64
	hi   float64
}

func (q *Quantiles) view() quantileView {
	type item struct {
		v float64
		w int64
	}
	items := make([]item, 0, q.retained())
	for h, l := range q.Levels {
		for _, v := range l {
			items = append(items, item{v, int64(1) << h})
		}
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.v, b.v) })
	qv := quantileView{n: q.N, lo: q.Min, hi: q.Max}
	qv.vals = make([]float64, len(items))
	qv.cum = make([]int64, len(items))
	var c int64
	for i, it := range items {
		c += it.w
		qv.vals[i], qv.cum[i] = it.v, c
	}
	return qv
}

// rescaled returns qv with every value mapped by conv, which must be
// increasing (a positive scale): ranks and weights are unchanged.
func (qv quantileView) rescaled(conv func(float64) float64) quantileView {
	out := qv
	out.vals = make([]float64, len(qv.vals))
	for i, v := range qv.vals {
		out.vals[i] = conv(v)
	}
	out.lo, out.hi = conv(qv.lo), conv(qv.hi)
	return out
}

// quantile returns the smallest retained value whose cumulative weight
// reaches p·N.
func (qv quantileView) quantile(p float64) float64 {
	if qv.n == 0 || len(qv.vals) == 0 {
		return 0
	}
	if p <= 0 {
		return qv.lo
	}
	if p >= 1 {
		return qv.hi
	}
	target := p * float64(qv.n)
	i := sort.Search(len(qv.cum), func(i int) bool { return float64(qv.cum[i]) >= target })
	i = min(i, len(qv.vals)-1)
	return min(max(qv.vals[i], qv.lo), qv.hi)
}

// rank returns the estimated number of values <= x.
func (qv quantileView) rank(x float64) int64 {
	if qv.n == 0 || x < qv.lo {
		return 0
	}
	if x >= qv.hi {
		return qv.n
	}
	i := sort.Search(len(qv.vals), func(i int) bool { return qv.vals[i] > x })
	if i == 0 {
		return 0
	}
	return qv.cum[i-1]
}

// Quantile returns the estimated p-quantile (0 <= p <= 1): a value whose
// rank is within the sketch's rank error of p·N. It returns 0 for an empty
// sketch, Min for p <= 0 and Max for p >= 1.
func (q *Quantiles) Quantile(p float64) float64 {
	return q.view().quantile(p)
}

// QuantilesAt returns Quantile(p) for each p, building the sorted view once.
func (q *Quantiles) QuantilesAt(ps []float64) []float64 {
	qv := q.view()
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = qv.quantile(p)
	}
	return out
}

// CDF returns the estimated fraction of values <= x, or 0 when empty.
func (q *Quantiles) CDF(x float64) float64 {
	if q.N == 0 {
		return 0
	}
	return float64(q.view().rank(x)) / float64(q.N)
}

// BinCounts returns estimated counts of values in the bins delimited by
// ascending edges: bin i is (edges[i], edges[i+1]], except the first, which
// also holds values equal to edges[0]. Counts below edges[0] or above the
// last edge are not reported. The counts sum exactly to the estimated number
// of values in [edges[0], edges[len-1]].
func (q *Quantiles) BinCounts(edges []float64) []int64 {
	if len(edges) < 2 {
		return nil
	}
	qv := q.view()
	out := make([]int64, len(edges)-1)
	prev := qv.rank(edges[0]) - qv.countEqual(edges[0])
	for i := range out {
		r := qv.rank(edges[i+1])
		out[i] = r - prev
		prev = r
	}
	return out
}

// countEqual returns the estimated weight of retained items equal to x.
func (qv quantileView) countEqual(x float64) int64 {
	i := sort.SearchFloat64s(qv.vals, x)
	var below int64
	if i > 0 {
		below = qv.cum[i-1]
	}
	return qv.rank(x) - below
}
