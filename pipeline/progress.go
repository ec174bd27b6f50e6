package pipeline

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/train"
)

// ProgressEvent is one step of a run as it happens, for a progress
// display (Options.Progress): a stage starting, a stage done, or a
// training epoch of the train stage.
type ProgressEvent struct {
	Run   string
	Stage string
	// Done is set when the stage finished, with its Status.
	Done   bool
	Status StageStatus
	// Epoch, when set, is the latest training epoch, of at most
	// MaxEpochs (0: train's default); Metric names its validation metric ("auc", "accuracy",
	// "rmse", or "metric" when the task is not known before training).
	Epoch     *train.Epoch
	MaxEpochs int
	Metric    string
}

// progress tells Options.Progress, if set, about ev.
func (r *run) progress(ev ProgressEvent) {
	if r.opts.Progress == nil {
		return
	}
	ev.Run = r.rec.ID
	r.opts.Progress(ev)
}

// withEpochProgress returns cfg reporting its epochs to Options.Progress.
func (r *run) withEpochProgress(cfg train.Config, label *colexpr.Program) train.Config {
	if r.opts.Progress == nil {
		return cfg
	}
	metric := MetricOf(cfg.Task, label)
	cfg.Progress = func(e train.Epoch) {
		r.progress(ProgressEvent{Stage: "train", Epoch: &e, MaxEpochs: cfg.Epochs, Metric: metric})
	}
	return cfg
}

// MetricOf names the validation metric of training: a true/false label is
// a binary task, whose metric is the AUC.
func MetricOf(task model.Task, label *colexpr.Program) string {
	switch {
	case task == model.TaskBinary, task == "" && label != nil && label.MustBool() == nil:
		return "auc"
	case task == model.TaskMulticlass:
		return "accuracy"
	case task == model.TaskRegression:
		return "rmse"
	}
	return "metric"
}

// MetricOfLabel is MetricOf for a label expression over schema; a label
// that does not compile counts as no expression.
func MetricOfLabel(task model.Task, label string, schema *arrow.Schema) string {
	prog, err := colexpr.Compile(label, schema)
	if err != nil {
		prog = nil
	}
	return MetricOf(task, prog)
}

// progress passes a period's run events to BacktestOptions.Progress,
// naming the policy and the period's end.
func (rp *replay) progress(s span) func(ProgressEvent) {
	if rp.opts.Progress == nil {
		return nil
	}
	return func(ev ProgressEvent) {
		ev.Run = string(rp.policy) + " " + s.to.Format("2006-01-02") + " " + ev.Run
		rp.opts.Progress(ev)
	}
}
