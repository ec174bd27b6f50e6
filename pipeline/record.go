package pipeline

import (
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/estimate"
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

	Profile  *validate.ProfileResult  `json:"profile,omitempty"`
	Findings *validate.CheckResult    `json:"findings,omitempty"`
	Drift    *validate.DriftReport    `json:"drift,omitempty"`
	Coverage *validate.CoverageReport `json:"coverage,omitempty"`
	Monitor  *MonitorResult           `json:"monitor,omitempty"`
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
}

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
