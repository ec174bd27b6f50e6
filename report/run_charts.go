package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/workspace"
)

// Layout of the run charts, in SVG user units.
const (
	lineW      = 720.0 // width of the timeline and the training curve
	stageRowH  = 24.0
	stageNameW = 110.0 // stage names left of the bars
	stageTimeW = 80.0  // durations right of the bars
	curveH     = 220.0
	curveLeft  = 56.0 // room for the loss axis
	curveBot   = 26.0 // room for the epoch axis
	curveTop   = 10.0
	curveRight = 16.0
)

// timelineChart draws one bar per stage, placed at its start and as wide
// as its duration, colored by status.
type timelineChart struct {
	W, H  float64
	Rows  []stageBar
	Total string
}

type stageBar struct {
	Name, Status, Duration, Title, Notes string
	X, Y, BarW                           float64
	TextY                                float64
}

func newTimeline(r *workspace.Record) timelineChart {
	t := timelineChart{W: lineW, H: stageRowH * float64(len(r.Stages))}
	origin, total := timelineSpan(r)
	t.Total = durationText(total)
	area := lineW - stageNameW - stageTimeW
	for i, s := range r.Stages {
		off := max(s.Started.Sub(origin), 0)
		x := stageNameW + area*frac(off, total)
		w := max(area*frac(s.Duration, total), 2)
		x = min(x, stageNameW+area-w)
		y := float64(i) * stageRowH
		title := s.Name + ": " + string(s.Status) + ", " + durationText(s.Duration)
		if len(s.Notes) > 0 {
			title += " — " + strings.Join(s.Notes, "; ")
		}
		t.Rows = append(t.Rows, stageBar{Name: s.Name, Status: string(s.Status), Duration: durationText(s.Duration),
			Title: title, Notes: strings.Join(s.Notes, "; "), X: x, Y: y + 4, BarW: w, TextY: y + stageRowH/2 + 4})
	}
	return t
}

// timelineSpan is the first stage's start and the time to the last end.
func timelineSpan(r *workspace.Record) (time.Time, time.Duration) {
	origin := r.Started
	for _, s := range r.Stages {
		if !s.Started.IsZero() && (origin.IsZero() || s.Started.Before(origin)) {
			origin = s.Started
		}
	}
	var end time.Duration
	for _, s := range r.Stages {
		end = max(end, s.Started.Sub(origin)+s.Duration)
	}
	if !r.Finished.IsZero() {
		end = max(end, r.Finished.Sub(origin))
	}
	return origin, end
}

func frac(d, total time.Duration) float64 {
	if total <= 0 {
		return 0
	}
	return min(float64(d)/float64(total), 1)
}

// durationText rounds a duration for reading: 12ms, 3.4s, 2m5s.
func durationText(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// curveChart is the training and validation loss per epoch.
type curveChart struct {
	W, H                       float64
	Train, Valid               string // polyline points
	BestX, BestY, Top, Bottom  float64
	Left, Right                float64
	YTicks                     []svgLabel
	XTicks                     []svgLabel
	Best                       string
	Epochs                     int
	Metric, BestValue, Stopped string
}

func newCurve(s *workspace.TrainingSummary) *curveChart {
	if s == nil || len(s.Report.History) == 0 {
		return nil
	}
	t := &s.Report
	c := &curveChart{W: lineW, H: curveH, Top: curveTop, Bottom: curveH - curveBot, Left: curveLeft,
		Right: lineW - curveRight, Epochs: len(t.History), Metric: t.Metric}
	lo, hi := lossRange(t.History)
	x := func(e int) float64 {
		if len(t.History) == 1 {
			return (c.Left + c.Right) / 2
		}
		return c.Left + (c.Right-c.Left)*float64(e-t.History[0].Epoch)/float64(len(t.History)-1)
	}
	y := func(v float64) float64 { return c.Bottom - (c.Bottom-c.Top)*(v-lo)/(hi-lo) }
	var train, valid []string
	for _, e := range t.History {
		train = append(train, point(x(e.Epoch), y(e.TrainLoss)))
		valid = append(valid, point(x(e.Epoch), y(e.ValidLoss)))
		if e.Epoch == t.BestEpoch {
			c.BestX, c.BestY = x(e.Epoch), y(e.ValidLoss)
			c.Best = fmt.Sprintf("best epoch %d: validation loss %.4f, %s %.4f on %s validation rows", e.Epoch, e.ValidLoss, t.Metric, e.ValidMetric, numfmt.Count(int64(t.ValidRows)))
		}
	}
	c.Train, c.Valid = strings.Join(train, " "), strings.Join(valid, " ")
	for _, v := range []float64{lo, (lo + hi) / 2, hi} {
		c.YTicks = append(c.YTicks, svgLabel{X: c.Left - 6, Y: y(v) + 4, Text: strconv.FormatFloat(v, 'g', 4, 64)})
	}
	first, last := t.History[0].Epoch, t.History[len(t.History)-1].Epoch
	c.XTicks = []svgLabel{{X: x(first), Y: curveH - 8, Text: "epoch " + strconv.Itoa(first)}, {X: x(last), Y: curveH - 8, Text: strconv.Itoa(last)}}
	if t.StoppedEarly {
		c.Stopped = "stopped early"
	}
	return c
}

// lossRange is the range of both losses, padded 5% and never empty.
func lossRange(epochs []train.Epoch) (lo, hi float64) {
	lo, hi = epochs[0].TrainLoss, epochs[0].TrainLoss
	for _, e := range epochs {
		lo, hi = min(lo, e.TrainLoss, e.ValidLoss), max(hi, e.TrainLoss, e.ValidLoss)
	}
	pad := (hi - lo) * 0.05
	if pad == 0 {
		pad = max(abs(hi)*0.05, 1e-3)
	}
	return lo - pad, hi + pad
}

func abs(v float64) float64 { return max(v, -v) }

func point(x, y float64) string {
	return strconv.FormatFloat(x, 'f', 1, 64) + "," + strconv.FormatFloat(y, 'f', 1, 64)
}
