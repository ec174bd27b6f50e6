package stats

import "math"

// Histograms are derived from a sorted view when they are asked for, not
// accumulated: a one-pass equi-width histogram cannot know its range
// before the data ends, and partial histograms with different ranges do
// not merge. The sketch merges exactly, and every bin count it gives is
// within its rank error of the true count (exact for an exact view).

// Histogram has len(Edges)-1 bins; bin i covers (Edges[i], Edges[i+1]], the
// first bin also includes Edges[0]. Counts are estimates within the
// sketch's rank error, exact when the view is.
type Histogram struct {
	Edges  []float64 `json:"edges"`
	Counts []int64   `json:"counts"`
	// Scale says how the edges were chosen: "linear" (equal width),
	// "quantile" (equal mass), "log" (equal ratio, for positive values
	// over several decades) or "tails" (the first and last bin hold the
	// values below the 1st and above the 99th percentile, the bins between
	// are equal-width over the bulk). Empty in histograms saved before it
	// existed.
	Scale string `json:"scale,omitempty"`
}

// Histogram scales.
const (
	ScaleLinear   = "linear"
	ScaleQuantile = "quantile"
	ScaleLog      = "log"
	ScaleTails    = "tails"
)

// EquiWidth returns a histogram of bins equal-width bins from Min to Max.
// A sketch with one distinct value gets one bin.
func (q *Quantiles) EquiWidth(bins int) Histogram { return q.SortedView().EquiWidth(bins) }

// EquiDepth returns bins of about equal mass (see [SortedView.EquiDepth]).
func (q *Quantiles) EquiDepth(bins int) Histogram { return q.SortedView().EquiDepth(bins) }

// BinCounts returns estimated counts of values in the bins delimited by
// ascending edges (see [SortedView.BinCounts]).
func (q *Quantiles) BinCounts(edges []float64) []int64 { return q.SortedView().BinCounts(edges) }

// EquiWidth returns a histogram of bins equal-width bins from Min to Max.
// A view with one distinct value gets one bin.
func (sv SortedView) EquiWidth(bins int) Histogram {
	if sv.N == 0 || bins <= 0 {
		return Histogram{}
	}
	edges := linearEdges(sv.Min, sv.Max, bins)
	return Histogram{Edges: edges, Counts: sv.BinCounts(edges), Scale: ScaleLinear}
}

// linearEdges returns bins+1 equal-width edges from lo to hi (one bin when
// lo == hi).
func linearEdges(lo, hi float64, bins int) []float64 {
	if lo == hi {
		bins = 1
	}
	edges := make([]float64, bins+1)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/float64(bins)
	}
	edges[bins] = hi
	return edges
}

// EquiDepth returns bins of about equal mass, with edges at the
// quantiles i/bins; repeated edges (heavy ties) are merged, so the result may
// have fewer bins.
func (sv SortedView) EquiDepth(bins int) Histogram {
	if sv.N == 0 || bins <= 0 {
		return Histogram{}
	}
	uniq := []float64{sv.Min}
	for i := 1; i <= bins; i++ {
		if e := sv.Quantile(float64(i) / float64(bins)); e > uniq[len(uniq)-1] {
			uniq = append(uniq, e)
		}
	}
	if len(uniq) == 1 {
		uniq = append(uniq, uniq[0])
	}
	return Histogram{Edges: uniq, Counts: sv.BinCounts(uniq), Scale: ScaleQuantile}
}

// BinCounts returns counts of values in the bins delimited by ascending
// edges: bin i is (edges[i], edges[i+1]], except the first, which also
// holds values equal to edges[0]. Counts below edges[0] or above the last
// edge are not reported. The counts sum exactly to the number of values in
// [edges[0], edges[len-1]].
func (sv SortedView) BinCounts(edges []float64) []int64 {
	if len(edges) < 2 {
		return nil
	}
	out := make([]int64, len(edges)-1)
	prev := sv.Rank(edges[0]) - sv.CountEqual(edges[0])
	for i := range out {
		r := sv.Rank(edges[i+1])
		out[i] = r - prev
		prev = r
	}
	return out
}

// Readable returns a histogram of about bins bins that shows the shape
// of a skewed column and keeps its tails: equal-ratio ("log") bins for
// positive values spanning two decades or more with the median in the
// lowest twentieth of the range; else equal-width bins while the range is
// at most 4× the spread of the middle 98 %; else "tails" bins: one bin
// from Min to about the 1st percentile, one from about the 99th
// percentile to Max, and bins of a round width over the bulk between
// them, so rare extreme values are counted in bins of their own instead
// of vanishing beside the bulk.
func (sv SortedView) Readable(bins int) Histogram {
	if sv.N == 0 || bins <= 0 {
		return Histogram{}
	}
	edges, scale := ReadableEdges(sv.Min, sv.Max, sv.Quantile(0.01), sv.Quantile(0.5), sv.Quantile(0.99), bins)
	return Histogram{Edges: edges, Counts: sv.BinCounts(edges), Scale: scale}
}

// ReadableEdges returns the edges and scale of [SortedView.Readable] for
// values in [lo, hi] whose 1st, 50th and 99th percentiles are p1, p50 and
// p99 (for two overlaid distributions: the smaller p1, the larger p99).
func ReadableEdges(lo, hi, p1, p50, p99 float64, bins int) ([]float64, string) {
	bins = max(bins, 3)
	bulk := p99 - p1
	switch {
	case lo > 0 && hi/lo >= 100 && p50-lo < (hi-lo)/20:
		edges := make([]float64, bins+1)
		r := math.Log(hi / lo)
		for i := range edges {
			edges[i] = lo * math.Exp(r*float64(i)/float64(bins))
		}
		edges[0], edges[bins] = lo, hi
		return edges, ScaleLog
	case lo == hi || bulk <= 0 || hi-lo <= 4*bulk:
		return linearEdges(lo, hi, bins), ScaleLinear
	}
	edges := []float64{lo}
	for _, e := range niceEdges(p1, p99, bins-2) {
		if e > lo && e < hi {
			edges = append(edges, e)
		}
	}
	return append(edges, hi), ScaleTails
}

// niceEdges returns edges at multiples of a round step (1, 2, 2.5 or 5
// times a power of ten) from the last multiple at or below lo to the
// first at or above hi, at most about bins bins (lo < hi).
func niceEdges(lo, hi float64, bins int) []float64 {
	raw := (hi - lo) / float64(max(bins, 1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	first := math.Floor(lo/step) * step
	var out []float64
	for i := 0; ; i++ {
		e := first + float64(i)*step
		out = append(out, e)
		if e >= hi || i > 4*bins {
			return out
		}
	}
}
