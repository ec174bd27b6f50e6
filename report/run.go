package report

import (
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate"
)

// Run is everything a pipeline run's report shows, in plain fields: the
// pipeline converts its run record into one (report does not import the
// pipeline). Nil and empty parts are left out of the report.
type Run struct {
	ID      string
	Trigger string
	// Clock is the run's notion of now; Started and Finished are wall time.
	Clock, Started, Finished time.Time
	// Outcome is promoted, rejected, kept, no-new-data, blocked-data,
	// failed or not-promoted; Error the error that stopped a failed run.
	Outcome string
	Error   string
	// Reasons explain the decision to retrain or not, and the outcome.
	Reasons []string
	// ChampionBefore and ChampionAfter are the champion's version before
	// and after the run; Candidate the version trained, if any.
	ChampionBefore, ChampionAfter, Candidate string
	// Dataset is the new data the run processed.
	Dataset Dataset
	// NewSpan is the time span the new rows were selected by, when they
	// were selected by time rather than by file (a backtest's runs).
	NewSpan string
	Stages  []Stage
	// Checks is the number of expectation checks; Findings those failed,
	// Passed those passed.
	Checks   int
	Findings []validate.Finding
	Passed   []validate.Finding
	// Profile is the new data's profile, one row per column.
	Profile *validate.ProfileResult
	Drift   *validate.DriftReport
	// DriftReference names the drift reference. Defaults to "champion's
	// training data".
	DriftReference string
	Coverage       *validate.CoverageReport
	Monitor        *Monitor
	Training       *Training
	Optimization   *Optimization
	// Models are the evaluated models, the candidate first.
	Models []ModelResult
	Gates  []Gate
	// GatesPass is the overall gate verdict; meaningful when Gates is set.
	GatesPass bool
}

// Stage is one step of a run.
type Stage struct {
	Name string
	// Status is ok, skipped, blocked or failed.
	Status   string
	Started  time.Time
	Duration time.Duration
	Notes    []string
}

// Monitor is the champion's metric on the new labelled rows.
type Monitor struct {
	Metric    string
	Value     float64
	Rows      int
	Threshold float64
	Breached  bool
	// HasThreshold is false when only the decay is monitored.
	HasThreshold bool
	// Interval is the bootstrap interval of Value, nil when not measured.
	Interval *[2]float64
	// Decay compares Value with the champion's holdout metric.
	Decay *Decay
	// Source is "estimated" when Value is a CBPE estimate (monitor.estimate),
	// "realized" or "" when it was measured on labels.
	Source string
	// Realized (on RealizedRows labelled rows) and Estimated are shown side
	// by side when the monitor estimates; either may be missing.
	Realized     float64
	RealizedRows int
	HasRealized  bool
	Estimated    *Estimated
}

// Estimated is a CBPE estimate of the monitored metric.
type Estimated struct {
	Value, Lo, Hi float64
	LevelPct      float64 // the interval's coverage, in percent
	Rows          int
	Calibration   string
}

// Decay is the champion's metric on the new rows against its holdout.
type Decay struct {
	Holdout     float64
	HoldoutRows int
	Drop, Lo    float64 // Lo: the drop's one-sided 95% lower bound
	MaxDrop     float64
	Breached    bool
}

// Training is what training did.
type Training struct {
	Window, Holdout string
	// Metric names ValidMetric: auc, accuracy or rmse.
	Metric              string
	TrainRows           int
	ValidRows           int
	Params              int
	BestEpoch           int
	StoppedEarly        bool
	Duration            time.Duration
	Epochs              []Epoch
	BestLoss, BestValue float64
}

// Epoch is one training epoch.
type Epoch struct {
	Epoch                             int
	TrainLoss, ValidLoss, ValidMetric float64
}

// Optimization is the pruning and quantization search.
type Optimization struct {
	// Metric is measured on training rows: Baseline for the float model,
	// Final for the variant kept.
	Metric          string
	Baseline, Final float64
	// Rows is the number of validation rows the metric was measured on.
	Rows     int
	Attempts []Attempt
}

// Attempt is one variant the search tried.
type Attempt struct {
	Sparsity    float64
	Structured  bool
	Quantized   bool
	FloatLayers []int
	Metric      float64
	Drop        float64
	Kept        bool
	Reason      string
}

// ModelResult is one model's evaluation on the holdout.
type ModelResult struct {
	Role    evaluate.Role // evaluate.RoleCandidate, RoleParent or RoleChampion
	Name    string        // version id or file name
	Rows    int
	Metrics map[string]float64
	Slices  []SliceResult
	Cost    Cost
	// Curves are a binary model's baselines' counts, confusion matrix and
	// curves; nil leaves them out.
	Curves *evaluate.Curves
}

// SliceResult is a model's metrics on one slice of the holdout rows.
type SliceResult struct {
	Name    string
	Rows    int
	Metrics map[string]float64
	// Positives counts the slice's positive rows (binary); Interval is
	// its AUC's interval (evaluate.SliceResult.Interval), nil when not
	// measured.
	Positives int
	Interval  *evaluate.Interval
}

// Cost is a model's size and speed.
type Cost struct {
	Bytes, Params, Nonzeros    int64
	LatencyP50Us, LatencyP99Us float64
	RowsPerSec                 float64
}

// Gate is one promotion gate's check. Observed and Threshold are nil when
// there was nothing to compare.
type Gate struct {
	Gate, Slice         string
	Observed, Threshold *float64
	Pass                bool
	Reason              string
}

// runView is what run.html.tmpl sees.
type runView struct {
	*Run
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
// curve, optimization before and after, evaluation and gates.
func WriteRunHTML(w io.Writer, r *Run) error {
	v := runView{Run: r, Title: "refit run " + r.ID, Timeline: newTimeline(r), Curve: newCurve(r.Training),
		OptRows: optimizationRows(r), Attempts: attemptRows(r.Optimization), GateRows: gateRows(r.Gates),
		CheckRows: checkRows(r.Findings, r.Passed), OptMetric: optMetricLabel(r.Optimization), NotReached: notReached(r)}
	if r.Profile != nil {
		v.ProfileRows = cards(&Audit{Profile: r.Profile, Findings: r.Findings})
	}
	v.setEvaluation()
	var err error
	if r.Drift != nil {
		if v.Drift, err = (&DriftSection{Report: r.Drift, Reference: r.driftReference(), Current: "new data"}).HTML(); err != nil {
			return err
		}
	}
	if r.Coverage != nil {
		if v.Coverage, err = (&CoverageSection{Report: r.Coverage}).HTML(); err != nil {
			return err
		}
	}
	if err := templates.ExecuteTemplate(w, "run.html.tmpl", v); err != nil {
		return fmt.Errorf("report: render run html: %w", err)
	}
	return nil
}

// setEvaluation lays out the evaluation of the run's models.
func (v *runView) setEvaluation() {
	r := v.Run
	v.EvalModels, v.EvalRows = evaluationTable(r.Models)
	if len(r.Models) > 0 {
		v.SliceMetric = headlineMetric(r, &r.Models[0])
		v.SliceRows = sliceTable(r.Models, v.SliceMetric)
		v.Baselines, v.Confusions, v.EvalCharts = baselineRows(r.Models), confusionViews(r.Models), evalCharts(r.Models)
	}
}

func (r *Run) driftReference() string {
	if r.DriftReference == "" {
		return "champion's training data"
	}
	return r.DriftReference
}

// model returns the first model with role, or nil.
func (r *Run) model(role evaluate.Role) *ModelResult {
	for i := range r.Models {
		if r.Models[i].Role == role {
			return &r.Models[i]
		}
	}
	return nil
}

// notReached explains why a blocked or failed run has no training,
// optimization, evaluation or gates.
func notReached(r *Run) string {
	switch r.Outcome {
	case "blocked-data":
		return "Not reached: data errors blocked the run before training (see the findings)."
	case "failed":
		return "Not reached: the run failed before this step."
	}
	return ""
}

// optMetricLabel heads the attempts' metric column with its rows.
func optMetricLabel(o *Optimization) string {
	if o == nil || o.Metric == "" {
		return "metric"
	}
	if o.Rows == 0 {
		return o.Metric
	}
	return o.Metric + " on " + numfmt.Count(int64(o.Rows)) + " validation rows"
}
