package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate"
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
}

// pairBar is a reference ("ref") or current ("cur") bar.
type pairBar struct {
	Class      string
	X, Y, W, H float64
	Title      string
}

type svgLabel struct {
	X, Y float64
	Text string
}

// newDriftChart lays out f's chart; false when there is nothing to plot.
func newDriftChart(f validate.FeatureDrift) (driftChart, bool) {
	c := driftChart{Name: f.Name, Kind: f.Kind, Verdict: f.Verdict.String(), PSI: fmt.Sprintf("%.4f", f.PSI), W: chartW}
	switch {
	case f.Numeric != nil && len(f.Numeric.Histogram.Reference) > 0:
		histogramPairs(&c, f.Numeric.Histogram, f.Type, f.Kind == "temporal")
	case f.Categorical != nil && len(f.Categorical.Categories) > 0:
		categoryPairs(&c, f.Categorical.Categories)
	default:
		return c, false
	}
	return c, true
}

// histogramPairs overlays the two sides' shares of the same equal-width
// bins, scaled to the tallest bar of either side.
func histogramPairs(c *driftChart, h validate.BinShares, typ string, temporal bool) {
	c.H = chartH
	top := max(slices.Max(h.Reference), slices.Max(h.Current))
	w := chartW / float64(len(h.Reference))
	edge := func(v float64) string { return edgeText(v, typ, temporal) }
	for i, ref := range h.Reference {
		cur := h.Current[min(i, len(h.Current)-1)]
		title := fmt.Sprintf("(%s, %s]: reference %s, current %s", edge(h.Edges[i]), edge(h.Edges[i+1]), share(ref), share(cur))
		for _, b := range []pairBar{{Class: "ref", H: scale(ref, top, chartH)}, {Class: "cur", H: scale(cur, top, chartH)}} {
			b.X, b.Y, b.W, b.Title = float64(i)*w, chartH-b.H, max(w-1, 1), title
			c.Bars = append(c.Bars, b)
		}
	}
	c.AxisLo, c.AxisHi = edge(h.Edges[0]), edge(h.Edges[len(h.Edges)-1])
}

// categoryPairs draws the most frequent categories (by the larger of the
// two shares) as a reference bar above a current bar.
func categoryPairs(c *driftChart, cats []validate.CategoryShare) {
	cats = slices.Clone(cats)
	slices.SortStableFunc(cats, func(a, b validate.CategoryShare) int {
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
// unit of its Arrow type typ, see [validate.TimeUnit]) as what they
// measure: instants (days or seconds to nanoseconds since the epoch) as
// dates, times of day as clock readings to the unit ("13:45:07.25"),
// durations as spans ([validate.SpanText]: "1h30m0s", "1.5s", "2.0d").
func edgeText(v float64, typ string, temporal bool) string {
	_, unit, ok := validate.TimeUnit(typ)
	if !temporal || !ok {
		return num(v)
	}
	ns := v * float64(unit)
	switch {
	case strings.HasPrefix(typ, "duration["):
		return validate.SpanText(ns / float64(time.Second))
	case strings.HasPrefix(typ, "time32["), strings.HasPrefix(typ, "time64["):
		d := time.Duration(math.Round(ns)).Round(unit)
		if d < 0 || d >= 24*time.Hour { // not a time of day: show the span
			return validate.SpanText(ns / float64(time.Second))
		}
		return time.Time{}.Add(d).Format("15:04:05.999999999")
	}
	return time.Unix(0, 0).Add(time.Duration(ns)).UTC().Format("2006-01-02")
}
