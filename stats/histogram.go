package stats

// Histograms are derived from the quantile sketch when they are asked for,
// not accumulated: a one-pass equi-width histogram cannot know its range
// before the data ends, and partial histograms with different ranges do
// not merge. The sketch merges exactly, and every bin count it gives is
// within its rank error of the true count.

// Histogram has len(Edges)-1 bins; bin i covers (Edges[i], Edges[i+1]], the
// first bin also includes Edges[0]. Counts are estimates within the
// sketch's rank error.
type Histogram struct {
	Edges  []float64 `json:"edges"`
	Counts []int64   `json:"counts"`
}

// EquiWidth returns a histogram of bins equal-width bins from Min to Max.
// A sketch with one distinct value gets one bin.
func (q *Quantiles) EquiWidth(bins int) Histogram {
	if q.N == 0 || bins <= 0 {
		return Histogram{}
	}
	if q.Min == q.Max {
		bins = 1
	}
	edges := make([]float64, bins+1)
	w := (q.Max - q.Min) / float64(bins)
	for i := range edges {
		edges[i] = q.Min + float64(i)*w
	}
	edges[bins] = q.Max
	return Histogram{Edges: edges, Counts: q.BinCounts(edges)}
}

// EquiDepth returns bins of about equal mass, with edges at the
// quantiles i/bins; repeated edges (heavy ties) are merged, so the result may
// have fewer bins.
func (q *Quantiles) EquiDepth(bins int) Histogram {
	if q.N == 0 || bins <= 0 {
		return Histogram{}
	}
	ps := make([]float64, bins+1)
	for i := range ps {
		ps[i] = float64(i) / float64(bins)
	}
	edges := q.QuantilesAt(ps)
	uniq := edges[:1]
	for _, e := range edges[1:] {
		if e > uniq[len(uniq)-1] {
			uniq = append(uniq, e)
		}
	}
	if len(uniq) == 1 {
		uniq = append(uniq, uniq[0])
	}
	return Histogram{Edges: uniq, Counts: q.BinCounts(uniq)}
}
