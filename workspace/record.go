package workspace

import (
	"fmt"
	"time"

	"github.com/refit-ml/refit/internal/hook"
	"github.com/refit-ml/refit/internal/numfmt"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// Outcome is what a run (or an audit) came to.
type Outcome string

// Outcomes of a run.
const (
	OutcomePromoted    Outcome = "promoted"     // a new champion
	OutcomeRejected    Outcome = "rejected"     // a candidate failed its gates
	OutcomeKept        Outcome = "kept"         // no retrain was needed
	OutcomeNoData      Outcome = "no-new-data"  // nothing to process
	OutcomeBlockedData Outcome = "blocked-data" // data-quality errors stopped the run
	OutcomeFailed      Outcome = "failed"       // an error stopped the run
	OutcomeNotPromoted Outcome = "not-promoted" // gates passed but promotion was off
	OutcomeAudited     Outcome = "audited"      // an audit found no data errors
)

// StageStatus is how a stage of a run ended.
type StageStatus string

// Statuses of a stage.
const (
	StageOK      StageStatus = "ok"
	StageSkipped StageStatus = "skipped" // not needed (see its notes)
	StageBlocked StageStatus = "blocked" // data errors or failed gates stopped it
	StageFailed  StageStatus = "failed"  // an error stopped it
)

// Record is everything a run did and decided; it is written as run.json.
type Record struct {
	ID       string    `json:"id"`
	Trigger  string    `json:"trigger"`
	Clock    time.Time `json:"clock"` // the run's notion of now
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Outcome  Outcome   `json:"outcome"`
	Error    string    `json:"error,omitempty"`
	// Reasons explain the decision to retrain or not, and the outcome.
	Reasons []string `json:"reasons"`
	// Triggers are the causes of the retrain decision with their evidence.
	Triggers []Trigger `json:"triggers,omitempty"`
	Stages   []Stage   `json:"stages"`

	NewFiles []string `json:"new_files"`
	NewRows  int64    `json:"new_rows"`
	// Skipped are the source's files the run did not read: not data
	// (data.strict is off) or quarantined.
	Skipped []ingest.Skipped `json:"skipped,omitempty"`
	// NewSpan is the time span of the new rows when they were selected by
	// time (Options.NewSince) rather than by file.
	NewSpan string `json:"new_span,omitempty"`

	ChampionBefore string `json:"champion_before,omitempty"`
	ChampionAfter  string `json:"champion_after,omitempty"`
	Candidate      string `json:"candidate,omitempty"`

	Profile  *profile.Result     `json:"profile,omitempty"`
	Findings *expect.CheckResult `json:"findings,omitempty"`
	Drift    *drift.Report       `json:"drift,omitempty"`
	Coverage *coverage.Report    `json:"coverage,omitempty"`
	Monitor  *MonitorResult      `json:"monitor,omitempty"`
	// DriftCost is each drifting input's estimated cost to the champion
	// (CBPE), when the champion has a calibrator.
	DriftCost []estimate.Effect `json:"drift_cost,omitempty"`
	// OutOfRange counts, per input of the champion, the new values its
	// training data never had.
	OutOfRange   []model.ColumnOOR `json:"out_of_range,omitempty"`
	Training     *TrainingSummary  `json:"training,omitempty"`
	Optimization *optimize.Result  `json:"optimization,omitempty"`
	Evaluation   []evaluate.Result `json:"evaluation,omitempty"`
	Verdict      *evaluate.Verdict `json:"verdict,omitempty"`
	// Hooks are the results of the on_promote hooks called after the
	// promotion committed.
	Hooks []hook.Result `json:"hooks,omitempty"`
}

// FloatParentName names the float parent's result in Record.Evaluation
// (the champion's is its version id).
const FloatParentName = "float parent"

// Stage is one step of a run.
type Stage struct {
	Name     string        `json:"name"`
	Status   StageStatus   `json:"status"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	Notes    []string      `json:"notes,omitempty"`
}

// MonitorResult is the champion's metric on the new labelled rows.
type MonitorResult struct {
	Metric    string  `json:"metric"`
	Value     float64 `json:"value"`
	Rows      int     `json:"rows"`
	Threshold float64 `json:"threshold"`
	Breached  bool    `json:"breached"`
	// Interval is the bootstrap interval of Value (level 0.90), measured
	// when monitor.max_drop is set.
	Interval *evaluate.Interval `json:"interval,omitempty"`
	// Decay compares Value with the champion's holdout metric.
	Decay *Decay `json:"decay,omitempty"`
	// Source says which figure Value is, with monitor.estimate:
	// "realized" (on the labelled new rows) or "estimated" (CBPE).
	Source string `json:"source,omitempty"`
	// Realized is the metric on the RealizedRows new rows that have
	// labels, and Estimated its CBPE estimate on every new row: both are
	// kept, side by side, whenever both exist (monitor.estimate).
	Realized     *float64         `json:"realized,omitempty"`
	RealizedRows int              `json:"realized_rows,omitempty"`
	Estimated    *EstimatedMetric `json:"estimated,omitempty"`
}

// TrainingSummary is what training did, for the report.
type TrainingSummary struct {
	Window  string       `json:"window"`
	Holdout string       `json:"holdout"`
	Report  train.Report `json:"report"`
}

// Trigger is the evidence for one cause of a retrain decision. A trigger
// that did not fire (drift held back by drift.confirm or drift.cooldown)
// is kept with the reason.
type Trigger struct {
	Cause string `json:"cause"`
	Fired bool   `json:"fired"`
	// Features are the drift alerts: which features, their scores and the
	// threshold they crossed.
	Features []DriftEvidence `json:"features,omitempty"`
	// Live is the champion's metric on the new labelled rows, when the
	// monitor measured it.
	Live *MonitorResult `json:"live,omitempty"`
	// Growth is the window-growth evidence.
	Growth *Growth `json:"growth,omitempty"`
	// Note says why a trigger was held back, or how it was confirmed.
	Note string `json:"note,omitempty"`
}

// DriftEvidence is one feature's drift alert.
type DriftEvidence struct {
	Feature   string  `json:"feature"`
	PSI       float64 `json:"psi"`
	Threshold float64 `json:"threshold"`
	NullShift float64 `json:"null_shift,omitempty"` // change of the null rate, when that alerted
}

// Growth is the evidence of a window-growth trigger: the data the training
// window now holds against what the champion was trained on.
type Growth struct {
	// Trained is the span of data the champion was trained on, from its
	// first training row to its run's clock; Available is the span the
	// window now holds, from the later of the window's start and that
	// first row to this run's clock.
	Trained   time.Duration `json:"trained_ns"`
	Available time.Duration `json:"available_ns"`
	Factor    float64       `json:"factor"` // train.window_growth
}

// Decay compares the champion's metric on the new rows with its metric on
// its own holdout: how much it has aged since it was trained.
type Decay struct {
	// Holdout is the champion's metric on its holdout when it was
	// registered, on HoldoutRows rows.
	Holdout     float64 `json:"holdout"`
	HoldoutRows int     `json:"holdout_rows"`
	// Drop is how much worse the new rows score than the holdout (holdout
	// − live for metrics where higher is better, live − holdout
	// otherwise); Lo is its one-sided 95% lower bound from the two
	// intervals.
	Drop    float64 `json:"drop"`
	Lo      float64 `json:"lo"`
	MaxDrop float64 `json:"max_drop"`
	// Breached is Lo > MaxDrop: the champion is worse than it was, beyond
	// noise and beyond the allowance.
	Breached bool `json:"breached"`
}

// String describes a growth trigger for the run's reasons.
func (g *Growth) String() string {
	return fmt.Sprintf("the training window now holds %s of data, %.1f× the %s the champion was trained on (window_growth %.1f)",
		fmtSpan(g.Available), float64(g.Available)/float64(g.Trained), fmtSpan(g.Trained), g.Factor)
}

// fmtSpan writes a span in days with one decimal, or as Go does below a day.
func fmtSpan(d time.Duration) string {
	if d >= 24*time.Hour {
		return fmt.Sprintf("%.1fd", d.Hours()/24)
	}
	return d.Round(time.Minute).String()
}

// String describes the alert for the run's reasons.
func (e DriftEvidence) String() string {
	if e.NullShift != 0 {
		return fmt.Sprintf("%s (null rate %+.3f)", e.Feature, e.NullShift)
	}
	return fmt.Sprintf("%s (PSI %.3f ≥ %.2f)", e.Feature, e.PSI, e.Threshold)
}

// EstimatedMetric is a CBPE estimate of the monitored metric.
type EstimatedMetric struct {
	Method string  `json:"method"` // cbpe
	Value  float64 `json:"value"`
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
	Level  float64 `json:"level"`
	Rows   int     `json:"rows"`
	// Calibration describes the champion's calibrator.
	Calibration string   `json:"calibration"`
	Warnings    []string `json:"warnings,omitempty"`
	// SamplingLo and SamplingHi are the interval from the sample size
	// alone and Shift the half-width the calibration shift adds to it (Lo
	// and Hi combine both); 0 when the calibrator carries no shift.
	SamplingLo float64 `json:"sampling_lo,omitempty"`
	SamplingHi float64 `json:"sampling_hi,omitempty"`
	Shift      float64 `json:"shift,omitempty"`
}

func (e *EstimatedMetric) String() string {
	s := fmt.Sprintf("%.4f [%.4f, %.4f] on %s rows", e.Value, e.Lo, e.Hi, numfmt.Count(int64(e.Rows)))
	if e.Shift > 0 {
		s += fmt.Sprintf(" (sampling [%.4f, %.4f], calibration shift ±%.4f)", e.SamplingLo, e.SamplingHi, e.Shift)
	}
	return s
}
