package report

import (
	"strconv"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate/profile"
)

// Sizes of a card's chart, in SVG user units.
const (
	chartW   = 260.0
	chartH   = 80.0
	maxTop   = 8
	labelGap = 2.0
)

// card is the view of one column.
type card struct {
	Name, Type, Kind string
	Stats            []stat
	Bars             []bar // a histogram (vertical) or top values (horizontal)
	Horizontal       bool
	AxisLo, AxisHi   string
	Findings         int
}

type stat struct{ Label, Value string }

// bar is one rectangle of a chart with its tooltip and, for top values, a
// label.
type bar struct {
	X, Y, W, H float64
	Title      string
	Label      string
	LabelY     float64
}

func cards(a *Audit) []card {
	if a.Profile == nil {
		return nil
	}
	flagged := map[string]int{}
	for _, f := range a.Findings {
		flagged[f.Column]++
	}
	out := make([]card, len(a.Profile.Columns))
	for i, c := range a.Profile.Columns {
		out[i] = columnCard(c, a.Profile.Rows)
		out[i].Findings = flagged[c.Name]
	}
	return out
}

func columnCard(c profile.ColumnResult, rows int64) card {
	k := card{Name: c.Name, Type: c.Type, Kind: c.Kind}
	k.Stats = append(k.Stats, stat{"values", numfmt.Count(c.Count)}, stat{"nulls", pct(c.Nulls, rows)})
	if c.Kind != "other" {
		d := numfmt.Count(c.Distinct)
		if !c.DistinctExact {
			d = "≈" + d
		}
		k.Stats = append(k.Stats, stat{"distinct", d})
	}
	if n := c.Numeric; n != nil && n.Finite > 0 && c.TimeRange == nil {
		k.Stats = append(k.Stats, stat{"min", num(n.Min)}, stat{"p50", num(quantile(n, 0.5))},
			stat{"max", num(n.Max)}, stat{"mean", num(n.Mean)}, stat{"std", num(n.StdDev)})
		if n.NaN+n.PosInf+n.NegInf > 0 {
			k.Stats = append(k.Stats, stat{"NaN/±Inf", numfmt.Count(n.NaN + n.PosInf + n.NegInf)})
		}
	}
	if t := c.TimeRange; t != nil {
		k.Stats = append(k.Stats, stat{"from", t.Min.Format("2006-01-02 15:04:05")}, stat{"to", t.Max.Format("2006-01-02 15:04:05")})
	}
	if l := c.Lengths; l != nil {
		k.Stats = append(k.Stats, stat{"length", strconv.FormatInt(l.Min, 10) + "–" + strconv.FormatInt(l.Max, 10)})
	}
	switch {
	case c.Numeric != nil && len(c.Numeric.Histogram.Counts) > 0:
		k.Bars, k.AxisLo, k.AxisHi = histogramBars(c.Numeric.Histogram, c.TimeRange)
		k.Stats = append(k.Stats, histogramStats(c.Numeric, c.TimeRange != nil)...)
	case len(c.TopK) > 0:
		k.Bars, k.Horizontal = topBars(c.TopK), true
	}
	return k
}

func quantile(n *profile.NumericResult, p float64) float64 {
	for _, q := range n.Quantiles {
		if q.P == p {
			return q.Value
		}
	}
	return n.Mean
}

// histogramStats labels a histogram: how its bins were chosen and, when
// the tails have bins of their own, how many values each tail holds; and
// the error bound of sketched quantiles and counts.
func histogramStats(n *profile.NumericResult, temporal bool) []stat {
	h := n.Histogram
	var out []stat
	switch h.Scale {
	case stats.ScaleLog:
		out = append(out, stat{"bins", "log-scaled"})
	case stats.ScaleTails:
		last := len(h.Counts) - 1
		lo, hi := "≤ "+num(h.Edges[1]), "> "+num(h.Edges[last])
		if temporal {
			lo, hi = "first bin", "last bin"
		}
		out = append(out, stat{"low tail", lo + ": " + numfmt.Count(h.Counts[0])},
			stat{"high tail", hi + ": " + numfmt.Count(h.Counts[last])})
	}
	if !n.Exact && n.RankError > 0 {
		out = append(out, stat{"sketch error", "±" + numfmt.Percent(100*n.RankError, 2) + " of values per quantile or bin"})
	}
	return out
}

// histogramBars lays out the bins as vertical bars of equal width scaled
// to the tallest; a non-empty bin gets at least minBarH, so rare values
// stay visible.
func histogramBars(h profile.Histogram, tr *profile.TimeRange) ([]bar, string, string) {
	var top int64
	for _, c := range h.Counts {
		top = max(top, c)
	}
	w := chartW / float64(len(h.Counts))
	bars := make([]bar, len(h.Counts))
	for i, c := range h.Counts {
		ht := 0.0
		if top > 0 && c > 0 {
			ht = max(chartH*float64(c)/float64(top), minBarH)
		}
		title := "(" + num(h.Edges[i]) + ", " + num(h.Edges[i+1]) + "]: " + numfmt.Count(c)
		if tr != nil { // raw edges of a time column mean little to a reader
			title = "bin " + strconv.Itoa(i+1) + ": " + numfmt.Count(c)
		}
		bars[i] = bar{X: float64(i) * w, Y: chartH - ht, W: max(w-1, 1), H: ht, Title: title}
	}
	lo, hi := num(h.Edges[0]), num(h.Edges[len(h.Edges)-1])
	if tr != nil {
		lo, hi = tr.Min.Format("2006-01-02"), tr.Max.Format("2006-01-02")
	}
	return bars, lo, hi
}

// topBars lays out the most frequent values as labelled horizontal bars.
func topBars(top []profile.ValueCount) []bar {
	top = top[:min(len(top), maxTop)]
	h := chartH / maxTop
	var most int64
	for _, v := range top {
		most = max(most, v.Count)
	}
	bars := make([]bar, len(top))
	for i, v := range top {
		w := 0.0
		if most > 0 {
			w = (chartW / 2) * float64(v.Count) / float64(most)
		}
		label := v.Value
		if len(label) > 24 {
			label = label[:24] + "…"
		}
		y := float64(i) * h
		bars[i] = bar{X: chartW / 2, Y: y, W: w, H: h - labelGap, Title: v.Value + ": " + numfmt.Count(v.Count),
			Label: label, LabelY: y + h - labelGap - 1}
	}
	return bars
}
