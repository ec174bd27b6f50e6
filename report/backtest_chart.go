package report

import (
	"fmt"
	"strings"
)

// Layout of the backtest chart, in SVG user units.
const (
	btH      = 260.0
	btLeft   = 56.0 // room for the metric axis
	btBottom = 40.0 // room for the period labels
	btTop    = 10.0
	btRight  = 40.0 // room for half the last period label
	btLabels = 12   // most period labels shown
)

// backtestChart is each policy's metric per period as a line.
type backtestChart struct {
	W, H, Top, Bottom, Left, Right float64
	Lines                          []policyLine
	YTicks, XTicks                 []svgLabel
	Metric                         string
}

// policyLine is one policy's metric: polylines over runs of periods with
// a value, and a point per value.
type policyLine struct {
	Policy   string
	Segments []string // polyline points
	Points   []chartPoint
}

type chartPoint struct {
	X, Y  float64
	Title string
}

// newBacktestChart lays out the chart; it has no lines when no period was
// scored.
func newBacktestChart(b *Backtest) backtestChart {
	c := backtestChart{W: lineW, H: btH, Top: btTop, Bottom: btH - btBottom, Left: btLeft, Right: lineW - btRight, Metric: b.Metric}
	lo, hi, ok := metricRange(b)
	if !ok {
		return c
	}
	n := len(b.Periods)
	x := func(i int) float64 {
		if n == 1 {
			return (c.Left + c.Right) / 2
		}
		return c.Left + (c.Right-c.Left)*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return c.Bottom - (c.Bottom-c.Top)*(v-lo)/(hi-lo) }
	// The first policy's line is drawn last, on top of the baselines'.
	for pi := len(b.Policies) - 1; pi >= 0; pi-- {
		c.Lines = append(c.Lines, policyLineOf(b, pi, b.Policies[pi], x, y))
	}
	for _, v := range []float64{lo, (lo + hi) / 2, hi} {
		c.YTicks = append(c.YTicks, svgLabel{X: c.Left - 6, Y: y(v) + 4, Text: fmt.Sprintf("%.3f", v)})
	}
	every := (n + btLabels - 1) / btLabels
	for i, per := range b.Periods {
		if i%every == 0 || i == n-1 {
			c.XTicks = append(c.XTicks, svgLabel{X: x(i), Y: btH - 22, Text: per.label()})
		}
	}
	return c
}

// policyLineOf is policy pi's line.
func policyLineOf(b *Backtest, pi int, name string, x func(int) float64, y func(float64) float64) policyLine {
	l := policyLine{Policy: name}
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			l.Segments = append(l.Segments, strings.Join(seg, " "))
		}
		seg = nil
	}
	for i, per := range b.Periods {
		if pi >= len(per.Policies) || per.Policies[pi].Metric == nil {
			flush()
			continue
		}
		p := per.Policies[pi]
		px, py := x(i), y(*p.Metric)
		seg = append(seg, point(px, py))
		title := fmt.Sprintf("%s, %s: %s %.4f (champion %s); then %s", name, per.label(), b.Metric, *p.Metric, p.Champion, p.Outcome)
		l.Points = append(l.Points, chartPoint{X: px, Y: py, Title: title})
	}
	flush()
	return l
}

// metricRange is the range of every metric, padded 5% and never empty.
func metricRange(b *Backtest) (lo, hi float64, ok bool) {
	for _, per := range b.Periods {
		for _, p := range per.Policies {
			if p.Metric == nil {
				continue
			}
			if !ok {
				lo, hi, ok = *p.Metric, *p.Metric, true
			}
			lo, hi = min(lo, *p.Metric), max(hi, *p.Metric)
		}
	}
	pad := (hi - lo) * 0.05
	if pad == 0 {
		pad = max(abs(hi)*0.05, 1e-3)
	}
	return lo - pad, hi + pad, ok
}
