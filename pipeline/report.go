package pipeline

import (
	"io"
	"path/filepath"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/report"
)

// writeReport writes report.html next to run.json, crash-safely.
func writeReport(dir string, rec *Record) error {
	run := reportRun(rec)
	return report.WriteFile(filepath.Join(dir, "report.html"), func(w io.Writer) error {
		return report.WriteRunHTML(w, run)
	})
}

// reportRun converts a run record into the report's plain model.
func reportRun(rec *Record) *report.Run {
	r := &report.Run{ID: rec.ID, Trigger: rec.Trigger, Clock: rec.Clock, Started: rec.Started, Finished: rec.Finished,
		Outcome: string(rec.Outcome), Error: rec.Error, Reasons: rec.Reasons, ChampionBefore: rec.ChampionBefore,
		ChampionAfter: rec.ChampionAfter, Candidate: rec.Candidate, Drift: rec.Drift, Coverage: rec.Coverage, Profile: rec.Profile,
		Dataset: report.Dataset{Sources: rec.NewFiles, Files: len(rec.NewFiles), Rows: rec.NewRows}, NewSpan: rec.NewSpan}
	if rec.ChampionBefore != "" {
		r.DriftReference = "training data of champion " + rec.ChampionBefore
	}
	for _, s := range rec.Stages {
		r.Stages = append(r.Stages, report.Stage{Name: s.Name, Status: string(s.Status), Started: s.Started, Duration: s.Duration, Notes: s.Notes})
	}
	if f := rec.Findings; f != nil {
		r.Checks, r.Findings, r.Passed = f.Checks, f.Findings, f.Passed
	}
	if m := rec.Monitor; m != nil {
		r.Monitor = reportMonitor(m)
	}
	r.Training = reportTraining(rec.Training)
	r.Optimization = reportOptimization(rec.Optimization)
	r.Models = reportModels(rec.Evaluation, rec.ChampionBefore != "")
	if v := rec.Verdict; v != nil {
		r.GatesPass = v.Pass
		for _, g := range v.Checks {
			r.Gates = append(r.Gates, report.Gate{Gate: g.Gate, Slice: g.Slice, Observed: g.Observed,
				Threshold: g.Threshold, Pass: g.Pass, Reason: g.Reason})
		}
	}
	return r
}

func reportTraining(t *TrainingSummary) *report.Training {
	if t == nil {
		return nil
	}
	tr := t.Report
	out := &report.Training{Window: t.Window, Holdout: t.Holdout, Metric: tr.Metric, TrainRows: tr.TrainRows,
		ValidRows: tr.ValidRows, Params: tr.Params, BestEpoch: tr.BestEpoch, StoppedEarly: tr.StoppedEarly,
		Duration: tr.Duration, BestLoss: tr.BestValidLoss, BestValue: tr.BestValidMetric}
	for _, e := range tr.History {
		out.Epochs = append(out.Epochs, report.Epoch{Epoch: e.Epoch, TrainLoss: e.TrainLoss, ValidLoss: e.ValidLoss, ValidMetric: e.ValidMetric})
	}
	return out
}

func reportOptimization(o *optimize.Result) *report.Optimization {
	if o == nil {
		return nil
	}
	out := &report.Optimization{Metric: o.Metric, Baseline: o.Baseline, Final: o.Final, Rows: o.Rows}
	for _, a := range o.Attempts {
		out.Attempts = append(out.Attempts, report.Attempt{Sparsity: a.Sparsity, Structured: a.Structured,
			Quantized: a.Quantized, FloatLayers: a.FloatLayers, Metric: a.Metric, Drop: a.Drop, Kept: a.Kept, Reason: a.Reason})
	}
	return out
}

// floatParentName names the float parent's evaluation result (the
// champion's is its version id).
const floatParentName = "float parent"

// reportModels names each result's role from the evaluation order:
// candidate, then the float parent if any, then the champion if any.
func reportModels(results []evaluate.Result, hasChamp bool) []report.ModelResult {
	out := make([]report.ModelResult, len(results))
	for i, res := range results {
		role := evaluate.RoleCandidate
		switch {
		case i > 0 && res.Model == floatParentName:
			role = evaluate.RoleParent
		case i > 0 && hasChamp:
			role = evaluate.RoleChampion
		}
		c := res.Cost
		var slices []report.SliceResult
		for _, sl := range res.Slices {
			slices = append(slices, report.SliceResult{Name: sl.Name, Rows: sl.Rows, Metrics: sl.Metrics, Positives: sl.Positives, Interval: sl.Interval})
		}
		out[i] = report.ModelResult{Role: role, Name: res.Model, Rows: res.Rows, Metrics: res.Metrics, Slices: slices, Curves: res.Curves,
			Cost: report.Cost{Bytes: c.Bytes, Params: c.Params, Nonzeros: c.Nonzeros,
				LatencyP50Us: c.LatencyP50Us, LatencyP99Us: c.LatencyP99Us, RowsPerSec: c.RowsPerSec}}
	}
	return out
}

func reportMonitor(m *MonitorResult) *report.Monitor {
	out := &report.Monitor{Metric: m.Metric, Value: m.Value, Rows: m.Rows, Threshold: m.Threshold, Breached: m.Breached,
		HasThreshold: m.Threshold != 0 || m.Breached}
	if iv := m.Interval; iv != nil {
		out.Interval = &[2]float64{iv.Lo, iv.Hi}
	}
	out.Source, out.RealizedRows = m.Source, m.RealizedRows
	if m.Realized != nil {
		out.Realized, out.HasRealized = *m.Realized, true
	}
	if e := m.Estimated; e != nil {
		out.Estimated = &report.Estimated{Value: e.Value, Lo: e.Lo, Hi: e.Hi, LevelPct: 100 * e.Level, Rows: e.Rows, Calibration: e.Calibration}
	}
	if d := m.Decay; d != nil {
		out.Decay = &report.Decay{Holdout: d.Holdout, HoldoutRows: d.HoldoutRows, Drop: d.Drop, Lo: d.Lo, MaxDrop: d.MaxDrop, Breached: d.Breached}
	}
	return out
}
