package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate/drift"
)

// Layout of a categorical drift chart, in SVG user units.
const (
	catRowH   = 16.0 // one category: a reference and a current bar
	catLabelW = 96.0 // room for the category's name
	catLabel  = 16   // runes of a name shown
)

// driftChart is one feature's overlaid distributions.
type driftChart struct {
	Name, Kind, Verdict, PSI string
	W, H                     float64
	Bars                     []pairBar
	Labels                   []svgLabel
	AxisLo, AxisHi           string
	// Caption says how the bins were chosen and counts the tails.
	Caption string
}

// pairBar is a reference ("ref") or current ("cur") bar.
type pairBar struct {
	Class      string
	X, Y, W, H float64
	Title      string
}

type svgLabel struct {
	X, Y   float64
	Text   string
	Anchor string // text-anchor; "end" when empty
}

// newDriftChart lays out f's chart; false when there is nothing to plot.
func newDriftChart(f drift.Feature) (driftChart, bool) {
	c := driftChart{Name: f.Name, Kind: f.Kind, Verdict: f.Verdict.String(), PSI: fmt.Sprintf("%.4f", f.PSI), W: chartW}
	switch {
	case f.Numeric != nil && len(f.Numeric.Histogram.Reference) > 0:
		histogramPairs(&c, f.Numeric, f.Type, f.Kind == "temporal")
	case f.Categorical != nil && len(f.Categorical.Categories) > 0:
		categoryPairs(&c, f.Categorical.Categories)
	default:
		return c, false
	}
	return c, true
}

// minBarH is the height of a bar of a non-empty bin too small to show at
// scale, so that rare values (tails, a few outliers) stay visible.
const minBarH = 1.5

// histogramPairs draws the two sides' shares of the same bins side by side
// (reference left, current right, so near-identical distributions still
// show two bars), scaled to the tallest bar of either side; a non-empty
// bin gets at least minBarH. Titles give shares and row counts.
func histogramPairs(c *driftChart, n *drift.Numeric, typ string, temporal bool) {
	h := n.Histogram
	c.H = chartH
	top := max(slices.Max(h.Reference), slices.Max(h.Current))
	w := chartW / float64(len(h.Reference))
	half := max((w-1)/2, 0.5)
	edge := func(v float64) string { return edgeText(v, typ, temporal) }
	for i, ref := range h.Reference {
		cur := h.Current[min(i, len(h.Current)-1)]
		title := fmt.Sprintf("(%s, %s]: reference %s%s, current %s%s", edge(h.Edges[i]), edge(h.Edges[i+1]),
			share(ref), rowsNote(ref, n.Reference.Count), share(cur), rowsNote(cur, n.Current.Count))
		for k, b := range []pairBar{{Class: "ref", H: barH(ref, top)}, {Class: "cur", H: barH(cur, top)}} {
			b.X, b.Y, b.W, b.Title = float64(i)*w+float64(k)*half, chartH-b.H, half, title
			c.Bars = append(c.Bars, b)
		}
	}
	c.AxisLo, c.AxisHi = edge(h.Edges[0]), edge(h.Edges[len(h.Edges)-1])
	c.Caption = binsCaption(n, edge)
}

// barH is the height of a bar of share v with the tallest at top.
func barH(v, top float64) float64 {
	if v <= 0 {
		return 0
	}
	return max(scale(v, top, chartH), minBarH)
}

// rowsNote is " (N rows)" for share v of n rows, or "" when n is unknown
// (reports saved before counts were kept).
func rowsNote(v float64, n int64) string {
	if n <= 0 {
		return ""
	}
	return " (" + rowsOf(v, n) + " rows)"
}

// rowsOf is share v of n rows, formatted.
func rowsOf(v float64, n int64) string { return numfmt.Count(int64(math.Round(v * float64(n)))) }

// binsCaption says how a drift histogram's bins were chosen and, for tail
// bins, how many rows each side has in the tails.
func binsCaption(n *drift.Numeric, edge func(float64) string) string {
	h := n.Histogram
	switch h.Scale {
	case stats.ScaleLinear:
		return "equal-width bins"
	case stats.ScaleLog:
		return "log-scaled bins (each spans the same ratio)"
	case stats.ScaleTails:
		last := len(h.Reference) - 1
		tail := func(i int) string {
			return fmt.Sprintf("reference %s (%s), current %s (%s)", rowsOf(h.Reference[i], n.Reference.Count),
				share(h.Reference[i]), rowsOf(h.Current[i], n.Current.Count), share(h.Current[i]))
		}
		return fmt.Sprintf("tails in bins of their own — up to %s: %s; above %s: %s; equal-width bins between",
			edge(h.Edges[1]), tail(0), edge(h.Edges[last]), tail(last))
	}
	return ""
}

// categoryPairs draws the most frequent categories (by the larger of the
// two shares; the other bin, which pools many values, last) as a reference
// bar above a current bar.
func categoryPairs(c *driftChart, cats []drift.CategoryShare) {
	cats = slices.Clone(cats)
	slices.SortStableFunc(cats, func(a, b drift.CategoryShare) int {
		if ao, bo := a.Value == drift.OtherCategory, b.Value == drift.OtherCategory; ao != bo {
			if ao {
				return 1
			}
			return -1
		}
		return -cmp.Compare(max(a.Reference, a.Current), max(b.Reference, b.Current))
	})
	cats = cats[:min(len(cats), maxTop)]
	var top float64
	for _, k := range cats {
		top = max(top, k.Reference, k.Current)
	}
	c.H = catRowH * float64(len(cats))
	barW := chartW - catLabelW - 2
	for i, k := range cats {
		y := float64(i) * catRowH
		title := fmt.Sprintf("%s: reference %s, current %s", k.Value, share(k.Reference), share(k.Current))
		c.Bars = append(c.Bars,
			pairBar{Class: "ref", X: catLabelW, Y: y + 1, W: scale(k.Reference, top, barW), H: 6, Title: title},
			pairBar{Class: "cur", X: catLabelW, Y: y + 8, W: scale(k.Current, top, barW), H: 6, Title: title})
		c.Labels = append(c.Labels, svgLabel{X: catLabelW - 4, Y: y + catRowH - 4, Text: shorten(k.Value, catLabel)})
	}
}

func scale(v, top, size float64) float64 {
	if top <= 0 {
		return 0
	}
	return size * v / top
}

// share formats a fraction as a percentage.
func share(f float64) string { return numfmt.Percent(100*f, 3) }

// shorten keeps the first n runes of s.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// edgeText formats a bin edge; the raw values of a time column (in the
// unit of its Arrow type typ, see [drift.TimeUnit]) as what they
// measure: instants (days or seconds to nanoseconds since the epoch) as
// dates, times of day as clock readings to the unit ("13:45:07.25"),
// durations as spans ([drift.SpanText]: "1h30m0s", "1.5s", "2.0d").
func edgeText(v float64, typ string, temporal bool) string {
	_, unit, ok := drift.TimeUnit(typ)
	if !temporal || !ok {
		return num(v)
	}
	ns := v * float64(unit)
	switch {
	case strings.HasPrefix(typ, "duration["):
		return drift.SpanText(ns / float64(time.Second))
	case strings.HasPrefix(typ, "time32["), strings.HasPrefix(typ, "time64["):
		d := time.Duration(math.Round(ns)).Round(unit)
		if d < 0 || d >= 24*time.Hour { // not a time of day: show the span
			return drift.SpanText(ns / float64(time.Second))
		}
		return time.Time{}.Add(d).Format("15:04:05.999999999")
	}
	return time.Unix(0, 0).Add(time.Duration(ns)).UTC().Format("2006-01-02")
}
