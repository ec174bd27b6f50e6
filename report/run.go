package report

import (
	"fmt"
	"html/template"
	"io"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/workspace"
)

// runView is what run.html.tmpl sees: the run record and what is laid
// out from it. Its fields shadow the record's of the same name.
type runView struct {
	*workspace.Record
	// Models are the evaluated models with their roles, the candidate first.
	Models []modelResult
	// Checks is the number of expectation checks; Findings those failed.
	Checks     int
	Findings   []expect.Finding
	Monitor    *monitorView
	Title      string
	Timeline   timelineChart
	Curve      *curveChart
	OptRows    []compareRow
	Attempts   []attemptRow
	EvalModels []string
	EvalRows   []evalRow
	// SliceMetric is the metric SliceRows show per slice and model.
	SliceMetric string
	SliceRows   []sliceMetricRow
	GateRows    []gateRow
	CheckRows   []checkRow
	ProfileRows []card
	OptMetric   string
	// NotReached explains empty sections of a run that stopped early.
	NotReached string
	Baselines  []baselineRow
	Confusions []confusionView
	EvalCharts []evalChart
	Drift      template.HTML
	Coverage   template.HTML
}

// WriteRunHTML writes a run's report as one self-contained HTML document:
// header, stage timeline, decision, findings, drift, coverage, training
// curve, optimization before and after, evaluation and gates. Nil and
// empty parts of the record are left out.
func WriteRunHTML(w io.Writer, rec *workspace.Record) error {
	v := newRunView(rec)
	if rec.Profile != nil {
		v.ProfileRows = cards(&Audit{Profile: rec.Profile, Findings: v.Findings})
	}
	var err error
	if rec.Drift != nil {
		if v.Drift, err = (&DriftSection{Report: rec.Drift, Reference: driftReference(rec), Current: "new data"}).HTML(); err != nil {
			return err
		}
	}
	if rec.Coverage != nil {
		if v.Coverage, err = (&CoverageSection{Report: rec.Coverage}).HTML(); err != nil {
			return err
		}
	}
	if err := templates.ExecuteTemplate(w, "run.html.tmpl", v); err != nil {
		return fmt.Errorf("report: render run html: %w", err)
	}
	return nil
}

// newRunView lays out a run record's timeline, tables and evaluation.
func newRunView(rec *workspace.Record) *runView {
	v := &runView{Record: rec, Title: "refit run " + rec.ID, Models: runModels(rec), Monitor: newMonitorView(rec.Monitor),
		Timeline: newTimeline(rec), Curve: newCurve(rec.Training), Attempts: attemptRows(rec.Optimization),
		OptMetric: optMetricLabel(rec.Optimization), NotReached: notReached(rec.Outcome)}
	var passed []expect.Finding
	if f := rec.Findings; f != nil {
		v.Checks, v.Findings, passed = f.Checks, f.Findings, f.Passed
	}
	v.CheckRows = checkRows(v.Findings, passed)
	if rec.Verdict != nil {
		v.GateRows = gateRows(rec.Verdict.Checks)
	}
	v.OptRows = optimizationRows(v.Models, rec.Optimization)
	v.setEvaluation()
	return v
}

// setEvaluation lays out the evaluation of the run's models.
func (v *runView) setEvaluation() {
	v.EvalModels, v.EvalRows = evaluationTable(v.Models)
	if len(v.Models) > 0 {
		v.SliceMetric = headlineMetric(v.Optimization, &v.Models[0])
		v.SliceRows = sliceTable(v.Models, v.SliceMetric)
		v.Baselines, v.Confusions, v.EvalCharts = baselineRows(v.Models), confusionViews(v.Models), evalCharts(v.Models)
	}
}

// driftReference names what the run's drift was measured against.
func driftReference(rec *workspace.Record) string {
	if rec.ChampionBefore == "" {
		return "champion's training data"
	}
	return "training data of champion " + rec.ChampionBefore
}

// modelResult is one evaluated model with its role in the run
// (evaluate.RoleCandidate, RoleParent or RoleChampion; none in refit
// evaluate).
type modelResult struct {
	Role evaluate.Role
	*evaluate.Result
}

// runModels names each evaluation result's role from the evaluation
// order: candidate, then the float parent if any, then the champion if any.
func runModels(rec *workspace.Record) []modelResult {
	out := make([]modelResult, len(rec.Evaluation))
	for i := range rec.Evaluation {
		res := &rec.Evaluation[i]
		role := evaluate.RoleCandidate
		switch {
		case i > 0 && res.Model == workspace.FloatParentName:
			role = evaluate.RoleParent
		case i > 0 && rec.ChampionBefore != "":
			role = evaluate.RoleChampion
		}
		out[i] = modelResult{Role: role, Result: res}
	}
	return out
}

// findModel returns the first model with role, or nil.
func findModel(models []modelResult, role evaluate.Role) *modelResult {
	for i := range models {
		if models[i].Role == role {
			return &models[i]
		}
	}
	return nil
}

// monitorView is the champion's metric on the new rows, with what the
// template cannot compute.
type monitorView struct {
	*workspace.MonitorResult
	// HasThreshold is false when only the decay is monitored.
	HasThreshold bool
	// Realized is the realized metric, meaningful when HasRealized.
	Realized    float64
	HasRealized bool
	// LevelPct is the estimate's interval coverage, in percent.
	LevelPct float64
}

func newMonitorView(m *workspace.MonitorResult) *monitorView {
	if m == nil {
		return nil
	}
	v := &monitorView{MonitorResult: m, HasThreshold: m.Threshold != 0 || m.Breached}
	if m.Realized != nil {
		v.Realized, v.HasRealized = *m.Realized, true
	}
	if m.Estimated != nil {
		v.LevelPct = 100 * m.Estimated.Level
	}
	return v
}

// notReached explains why a blocked or failed run has no training,
// optimization, evaluation or gates.
func notReached(o workspace.Outcome) string {
	switch o {
	case workspace.OutcomeBlockedData:
		return "Not reached: data errors blocked the run before training (see the findings)."
	case workspace.OutcomeFailed:
		return "Not reached: the run failed before this step."
	}
	return ""
}

// optMetricLabel heads the attempts' metric column with its rows.
func optMetricLabel(o *optimize.Result) string {
	if o == nil || o.Metric == "" {
		return "metric"
	}
	if o.Rows == 0 {
		return o.Metric
	}
	return o.Metric + " on " + numfmt.Count(int64(o.Rows)) + " validation rows"
}
