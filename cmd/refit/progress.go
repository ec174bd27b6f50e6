package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/train"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal: progress is drawn only
// there, never into a file, a pipe or a CI log.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// display draws progress on a terminal (schollz/progressbar): a spinner
// for work of unknown length, a bar with an ETA for training epochs, and a
// line for each finished step. Its methods are called from one goroutine.
type display struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	started time.Time
}

// newDisplay returns a display on w, or nil (whose methods do nothing)
// when w is not a terminal or the output is JSON.
func newDisplay(w io.Writer, format string) *display {
	if format == "json" || !isTerminal(w) {
		return nil
	}
	return &display{w: w}
}

// spin starts a spinner saying what is going on.
func (d *display) spin(what string) {
	if d == nil {
		return
	}
	d.clear()
	d.started = time.Now()
	d.bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(d.w), progressbar.OptionSetDescription(what),
		progressbar.OptionSpinnerType(14), progressbar.OptionSetElapsedTime(true), progressbar.OptionClearOnFinish())
	_ = d.bar.RenderBlank()
}

// epoch shows a training epoch: a bar to max epochs (a count when max is
// 0) with the losses, the validation metric and the time left.
func (d *display) epoch(e train.Epoch, max int, metric string) {
	if d == nil {
		return
	}
	if d.bar == nil || d.bar.GetMax() != max || (max <= 0 && e.Epoch == 1) {
		d.clear()
		if max <= 0 {
			max = -1
		}
		d.bar = progressbar.NewOptions(max, progressbar.OptionSetWriter(d.w), progressbar.OptionSetWidth(20),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetItsString("epoch"), progressbar.OptionClearOnFinish())
	}
	d.bar.Describe(epochText(e, metric)) // renders with the old count
	_ = d.bar.Set(e.Epoch)
}

// epochText is an epoch's line: "epoch 5  loss 0.4121 (valid 0.4188)  auc 0.7130".
func epochText(e train.Epoch, metric string) string {
	best := ""
	if e.Improved {
		best = " *"
	}
	return fmt.Sprintf("epoch %d  loss %.4f (valid %.4f)  %s %.4f%s", e.Epoch, e.TrainLoss, e.ValidLoss, metric, e.ValidMetric, best)
}

// done ends the current step with a line saying how it went.
func (d *display) done(format string, args ...any) {
	if d == nil {
		return
	}
	d.clear()
	fmt.Fprintf(d.w, format+"\n", args...)
}

// clear removes the current spinner or bar: finishing it stops the
// spinner's own redraws, and clears its line (OptionClearOnFinish).
func (d *display) clear() {
	if d == nil || d.bar == nil {
		return
	}
	_ = d.bar.Finish()
	d.bar = nil
}

// runProgress shows a run's stages and training epochs; nil when d is.
func (d *display) runProgress() func(pipeline.ProgressEvent) {
	if d == nil {
		return nil
	}
	var last pipeline.ProgressEvent
	return func(ev pipeline.ProgressEvent) {
		switch {
		case ev.Epoch != nil:
			last = ev
			d.epoch(*ev.Epoch, ev.MaxEpochs, ev.Metric)
		case ev.Done:
			note := ""
			if ev.Stage == "train" && last.Epoch != nil {
				note = fmt.Sprintf("  (%d epochs, last %s %.4f)", last.Epoch.Epoch, last.Metric, last.Epoch.ValidMetric)
			}
			d.done("%s %-9s %-8s %s%s", ev.Run, ev.Stage, ev.Status, time.Since(d.started).Round(time.Millisecond), note)
		default:
			d.spin(ev.Run + " " + ev.Stage)
		}
	}
}

// trainProgress shows the epochs of `refit train`, ending with a line.
func (d *display) trainProgress(epochs int, metric string) func(train.Epoch) {
	d.started = time.Now()
	return func(e train.Epoch) {
		d.epoch(e, epochs, metric)
		if e.Stop {
			d.done("trained %d epochs in %s, stopped early", e.Epoch, e.Elapsed.Round(time.Millisecond))
		} else if epochs > 0 && e.Epoch == epochs {
			d.done("trained %d epochs in %s", e.Epoch, e.Elapsed.Round(time.Millisecond))
		}
	}
}

// trainMetric names the validation metric of a training: a true/false
// label is a binary task, whose metric is the AUC.
func trainMetric(task model.Task, label string, schema *arrow.Schema) string {
	switch task {
	case model.TaskBinary:
		return "auc"
	case model.TaskMulticlass:
		return "accuracy"
	case model.TaskRegression:
		return "rmse"
	}
	if prog, err := colexpr.Compile(label, schema); err == nil && prog.MustBool() == nil {
		return "auc"
	}
	return "metric"
}
