package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/numfmt"
)

// Size of the evaluation charts (ROC, precision-recall, reliability), a
// square plot with room for the axes' labels.
const (
	evalW, evalH = 260.0, 250.0
	evalLeft     = 36.0
	evalTop      = 8.0
	evalSide     = 210.0 // the plot's width and height
)

// baselineRow is one model's headline metrics beside what a model that
// learned nothing scores.
type baselineRow struct {
	Model, Accuracy, Majority, Prevalence, AUC string
	// BeatsMajority and BeatsChance say whether the model beat them.
	BeatsMajority, BeatsChance bool
}

// baselineRows lists each binary model's accuracy beside the majority
// class's and the prevalence, and its AUC beside chance (0.5).
func baselineRows(models []modelResult) []baselineRow {
	var out []baselineRow
	for _, m := range models {
		c := m.Curves
		if c == nil {
			continue
		}
		acc, auc := m.Metrics[evaluate.Accuracy], m.Metrics[evaluate.AUC]
		out = append(out, baselineRow{Model: modelTitle(m), Accuracy: fixed4(acc), Majority: fixed4(c.BaselineAccuracy()),
			Prevalence: numfmt.Percent(100*c.Prevalence(), 3) + " (" + numfmt.Count(int64(c.Positives)) + " of " + numfmt.Count(int64(c.Rows)) + ")",
			AUC:        fixed4(auc), BeatsMajority: acc > c.BaselineAccuracy(), BeatsChance: auc > 0.5})
	}
	return out
}

// confusionView is one model's confusion matrix at its threshold.
type confusionView struct {
	Model, Threshold   string
	TP, FP, TN, FN     string
	TPR, FPR, TNR, FNR string
}

func confusionViews(models []modelResult) []confusionView {
	var out []confusionView
	for _, m := range models {
		if m.Curves == nil {
			continue
		}
		c := m.Curves.Confusion
		rate := func(a, b int) string {
			if a+b == 0 {
				return "-"
			}
			return numfmt.Percent(100*float64(a)/float64(a+b), 3)
		}
		out = append(out, confusionView{Model: modelTitle(m), Threshold: num(m.Curves.Threshold),
			TP: numfmt.Count(int64(c.TP)), FP: numfmt.Count(int64(c.FP)), TN: numfmt.Count(int64(c.TN)), FN: numfmt.Count(int64(c.FN)),
			TPR: rate(c.TP, c.FN), FNR: rate(c.FN, c.TP), TNR: rate(c.TN, c.FP), FPR: rate(c.FP, c.TN)})
	}
	return out
}

// evalChart is a square chart of one curve per model.
type evalChart struct {
	ID, Title, XLabel, YLabel string
	W, H, Left, Top, Side     float64
	// Diagonal draws the chance (ROC) or perfect calibration line.
	Diagonal bool
	// Baseline is the y of a horizontal line (PR: the prevalence), <0 for none.
	BaselineY float64
	Lines     []evalLine
}

type evalLine struct {
	Class, Name, Points string
	Dots                []chartPoint
}

// evalCharts lays out the ROC, precision-recall and reliability charts of
// the binary models (the candidate first); nil without curves.
func evalCharts(models []modelResult) []evalChart {
	var withCurves []modelResult
	for _, m := range models {
		if m.Curves != nil && len(m.Curves.ROC) > 0 {
			withCurves = append(withCurves, m)
		}
	}
	if len(withCurves) == 0 {
		return nil
	}
	base := evalChart{W: evalW, H: evalH, Left: evalLeft, Top: evalTop, Side: evalSide, BaselineY: -1}
	roc, pr, rel := base, base, base
	roc.ID, roc.Title, roc.XLabel, roc.YLabel, roc.Diagonal = "roc-curve", "ROC", "false positive rate", "true positive rate", true
	pr.ID, pr.Title, pr.XLabel, pr.YLabel = "pr-curve", "Precision-recall", "recall", "precision"
	rel.ID, rel.Title, rel.XLabel, rel.YLabel, rel.Diagonal = "reliability", "Reliability (calibration)", "mean predicted probability", "observed positive rate", true
	pr.BaselineY = pr.y(withCurves[0].Curves.Prevalence())
	for i, m := range withCurves {
		class := "model-" + string(m.Role)
		if m.Role == "" { // models without roles (refit evaluate): by position
			class = "model-n" + strconv.Itoa(i%3)
		}
		roc.Lines = append(roc.Lines, roc.line(class, modelTitle(m)+" · AUC "+fixed4(m.Metrics[evaluate.AUC]), m.Curves.ROC, false))
		pr.Lines = append(pr.Lines, pr.line(class, modelTitle(m)+" · PR AUC "+fixed4(m.Metrics[evaluate.PRAUC]), m.Curves.PR, false))
		pts := make([]evaluate.CurvePoint, len(m.Curves.Reliability))
		for j, b := range m.Curves.Reliability {
			pts[j] = evaluate.CurvePoint{X: b.MeanScore, Y: b.Positive}
		}
		l := rel.line(class, modelTitle(m)+" · ECE "+fixed4(m.Metrics[evaluate.ECE]), pts, true)
		for j, b := range m.Curves.Reliability {
			l.Dots[j].Title = fmt.Sprintf("%s: scores [%.1f, %.1f): %s rows, mean score %.3f, %s positive", modelTitle(m), b.Lo, b.Hi,
				numfmt.Count(int64(b.Rows)), b.MeanScore, numfmt.Percent(100*b.Positive, 3))
		}
		rel.Lines = append(rel.Lines, l)
	}
	return []evalChart{roc, pr, rel}
}

func (c evalChart) x(v float64) float64 { return c.Left + c.Side*clamp01(v) }
func (c evalChart) y(v float64) float64 { return c.Top + c.Side*(1-clamp01(v)) }

func clamp01(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Min(math.Max(v, 0), 1)
}

// line converts curve points to a polyline, with a dot per point when dots.
func (c evalChart) line(class, name string, pts []evaluate.CurvePoint, dots bool) evalLine {
	l := evalLine{Class: class, Name: name}
	parts := make([]string, 0, len(pts))
	for _, p := range pts {
		if math.IsNaN(p.X) || math.IsNaN(p.Y) {
			continue
		}
		parts = append(parts, point(c.x(p.X), c.y(p.Y)))
		if dots {
			l.Dots = append(l.Dots, chartPoint{X: c.x(p.X), Y: c.y(p.Y)})
		}
	}
	l.Points = strings.Join(parts, " ")
	return l
}

// modelTitle names a model by role and version: "candidate (v0002)".
func modelTitle(m modelResult) string {
	if m.Role == "" {
		return m.Model
	}
	t := roleTitle(m.Role)
	if m.Model != "" && m.Model != t {
		t += " (" + m.Model + ")"
	}
	return t
}

func fixed4(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.4f", v)
}
