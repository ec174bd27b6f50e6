package dashboard

import (
	"fmt"
	"math"
	"strings"
)

// Layout of a line chart, in SVG user units.
const (
	lineW      = 760.0
	lineH      = 220.0
	lineLeft   = 60.0
	lineRight  = 40.0
	lineTop    = 14.0
	lineBottom = 36.0
	maxXLabels = 10
)

// series is one line: a value per point of the x axis, NaN where there is
// none.
type series struct {
	Name, Class string
	Values      []float64
}

// marker is an event on the x axis (a retrain, a promotion).
type marker struct {
	At    int
	Class string
	Title string
}

// lineChart is a laid-out chart for the template.
type lineChart struct {
	W, H, Top, Bottom, Left, Right float64
	Lines                          []chartLine
	Marks                          []chartMark
	YTicks, XTicks                 []chartLabel
	Empty                          bool
}

type chartLine struct {
	Name, Class string
	Segments    []string // polyline points, one per run of values
	Points      []chartPoint
}

type chartPoint struct {
	X, Y  float64
	Title string
}

type chartMark struct {
	X     float64
	Class string
	Title string
}

type chartLabel struct {
	X, Y float64
	Text string
}

// newLineChart lays out the series over the x labels, with the markers
// as vertical lines. A chart without a finite value is Empty.
func newLineChart(xLabels []string, lines []series, marks []marker) lineChart {
	c := lineChart{W: lineW, H: lineH, Top: lineTop, Bottom: lineH - lineBottom, Left: lineLeft, Right: lineW - lineRight}
	lo, hi, ok := valueRange(lines)
	if !ok {
		c.Empty = true
		return c
	}
	n := len(xLabels)
	x := func(i int) float64 {
		if n <= 1 {
			return (c.Left + c.Right) / 2
		}
		return c.Left + (c.Right-c.Left)*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return c.Bottom - (c.Bottom-c.Top)*(v-lo)/(hi-lo) }
	for _, s := range lines {
		c.Lines = append(c.Lines, layoutLine(s, xLabels, x, y))
	}
	for _, m := range marks {
		c.Marks = append(c.Marks, chartMark{X: x(m.At), Class: m.Class, Title: m.Title})
	}
	for _, v := range []float64{lo, (lo + hi) / 2, hi} {
		c.YTicks = append(c.YTicks, chartLabel{X: c.Left - 6, Y: y(v) + 4, Text: numText(round4(v))})
	}
	step := max(1, (n+maxXLabels-1)/maxXLabels)
	for i := 0; i < n; i += step {
		c.XTicks = append(c.XTicks, chartLabel{X: x(i), Y: c.Bottom + 18, Text: xLabels[i]})
	}
	return c
}

func round4(v float64) float64 {
	if v == 0 {
		return 0
	}
	p := math.Pow(10, 3-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// valueRange is the range of the finite values, widened when flat.
func valueRange(lines []series) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range lines {
		for _, v := range s.Values {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if lo > hi {
		return 0, 0, false
	}
	if hi-lo < 1e-9 {
		pad := math.Max(math.Abs(lo)*0.05, 0.01)
		lo, hi = lo-pad, hi+pad
	}
	return lo, hi, true
}

// layoutLine draws a series as polylines over its runs of values, with a
// point (and its tooltip) per value.
func layoutLine(s series, xLabels []string, x func(int) float64, y func(float64) float64) chartLine {
	l := chartLine{Name: s.Name, Class: s.Class}
	var pts []string
	flush := func() {
		if len(pts) > 1 {
			l.Segments = append(l.Segments, strings.Join(pts, " "))
		}
		pts = nil
	}
	for i, v := range s.Values {
		if math.IsNaN(v) {
			flush()
			continue
		}
		px, py := x(i), y(v)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
		l.Points = append(l.Points, chartPoint{X: px, Y: py, Title: s.Name + " at " + xLabels[i] + ": " + numText(v)})
	}
	flush()
	return l
}
