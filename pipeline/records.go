package pipeline

import "github.com/refit-ml/refit/workspace"

// The run record's types live in package workspace, which owns the
// workspace's layout and reads records for readers that do not run the
// pipeline (refit runs, serve, the dashboard). These names forward to it.
type (
	// Record is everything a run did and decided; see workspace.Record.
	Record = workspace.Record
	// Outcome is what a run came to; see workspace.Outcome.
	Outcome = workspace.Outcome
	// StageStatus is how a stage of a run ended.
	StageStatus = workspace.StageStatus
	// Stage is one step of a run.
	Stage = workspace.Stage
	// MonitorResult is the champion's metric on the new labelled rows.
	MonitorResult = workspace.MonitorResult
	// TrainingSummary is what training did.
	TrainingSummary = workspace.TrainingSummary
	// Trigger is the evidence for one cause of a retrain decision.
	Trigger = workspace.Trigger
	// DriftEvidence is one feature's drift alert.
	DriftEvidence = workspace.DriftEvidence
	// Growth is the evidence of a window-growth trigger.
	Growth = workspace.Growth
	// Decay compares the champion's live metric with its holdout metric.
	Decay = workspace.Decay
	// EstimatedMetric is a CBPE estimate of the monitored metric.
	EstimatedMetric = workspace.EstimatedMetric
)

// Outcomes of a run; see workspace.
const (
	OutcomePromoted    = workspace.OutcomePromoted
	OutcomeRejected    = workspace.OutcomeRejected
	OutcomeKept        = workspace.OutcomeKept
	OutcomeNoData      = workspace.OutcomeNoData
	OutcomeBlockedData = workspace.OutcomeBlockedData
	OutcomeFailed      = workspace.OutcomeFailed
	OutcomeNotPromoted = workspace.OutcomeNotPromoted
	OutcomeAudited     = workspace.OutcomeAudited
)

// Statuses of a stage; see workspace.
const (
	StageOK      = workspace.StageOK
	StageSkipped = workspace.StageSkipped
	StageBlocked = workspace.StageBlocked
	StageFailed  = workspace.StageFailed
)

// readRecord reads the record at path.
func readRecord(path string) (*Record, error) { return workspace.ReadRecordFile(path) }

// runSeq is the number of a run id ("r000012" is 12), 0 if name is not one.
func runSeq(name string) int { return workspace.RunSeq(name) }
