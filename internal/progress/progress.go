// Package progress draws the progress of long commands on a terminal: a
// spinner for work of unknown length, a bar with an ETA for training
// epochs, a line for each finished step (schollz/progressbar), and a
// rewritten "rows read, rows/s" line for scans. Nothing is drawn into a
// file, a pipe or a CI log: constructors return nil (or no-op functions)
// when the writer is not a terminal, and a nil *Display does nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/train"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Display draws progress on a terminal. Its methods are called from one
// goroutine; they do nothing on a nil *Display.
type Display struct {
	w       io.Writer
	bar     *progressbar.ProgressBar
	started time.Time
}

// New returns a display on w, or nil when w is not a terminal or the
// output format is "json".
func New(w io.Writer, format string) *Display {
	if format == "json" || !IsTerminal(w) {
		return nil
	}
	return &Display{w: w}
}

// On returns a display on w whether or not it is a terminal: for tests.
func On(w io.Writer) *Display { return &Display{w: w} }

// Spin starts a spinner saying what is going on.
func (d *Display) Spin(what string) {
	if d == nil {
		return
	}
	d.Clear()
	d.started = time.Now()
	d.bar = progressbar.NewOptions(-1, progressbar.OptionSetWriter(d.w), progressbar.OptionSetDescription(what),
		progressbar.OptionSpinnerType(14), progressbar.OptionSetElapsedTime(true), progressbar.OptionClearOnFinish())
	_ = d.bar.RenderBlank()
}

// Epoch shows a training epoch: a bar to max epochs (a count when max is
// 0) with the losses, the validation metric and the time left.
func (d *Display) Epoch(e train.Epoch, max int, metric string) {
	if d == nil {
		return
	}
	if d.bar == nil || d.bar.GetMax() != max || (max <= 0 && e.Epoch == 1) {
		d.Clear()
		if max <= 0 {
			max = -1
		}
		d.bar = progressbar.NewOptions(max, progressbar.OptionSetWriter(d.w), progressbar.OptionSetWidth(20),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetItsString("epoch"), progressbar.OptionClearOnFinish())
	}
	d.bar.Describe(EpochText(e, metric)) // renders with the old count
	_ = d.bar.Set(e.Epoch)
}

// EpochText is an epoch's line: "epoch 5  loss 0.4121 (valid 0.4188)  auc 0.7130",
// with " *" when the epoch improved on the best.
func EpochText(e train.Epoch, metric string) string {
	best := ""
	if e.Improved {
		best = " *"
	}
	return fmt.Sprintf("epoch %d  loss %.4f (valid %.4f)  %s %.4f%s", e.Epoch, e.TrainLoss, e.ValidLoss, metric, e.ValidMetric, best)
}

// Done ends the current step with a line saying how it went.
func (d *Display) Done(format string, args ...any) {
	if d == nil {
		return
	}
	d.Clear()
	fmt.Fprintf(d.w, format+"\n", args...)
}

// Clear removes the current spinner or bar: finishing it stops the
// spinner's own redraws, and clears its line.
func (d *Display) Clear() {
	if d == nil || d.bar == nil {
		return
	}
	_ = d.bar.Finish()
	d.bar = nil
}

// Run returns a pipeline progress callback that shows a run's stages and
// training epochs; nil when d is.
func (d *Display) Run() func(pipeline.ProgressEvent) {
	if d == nil {
		return nil
	}
	var last pipeline.ProgressEvent
	return func(ev pipeline.ProgressEvent) {
		switch {
		case ev.Epoch != nil:
			last = ev
			d.Epoch(*ev.Epoch, ev.MaxEpochs, ev.Metric)
		case ev.Done:
			note := ""
			if ev.Stage == "train" && last.Epoch != nil {
				note = fmt.Sprintf("  (%d epochs, last %s %.4f)", last.Epoch.Epoch, last.Metric, last.Epoch.ValidMetric)
			}
			d.Done("%s %-9s %-8s %s%s", ev.Run, ev.Stage, ev.Status, time.Since(d.started).Round(time.Millisecond), note)
		default:
			d.Spin(ev.Run + " " + ev.Stage)
		}
	}
}

// Train returns a training callback that shows the epochs of a training
// to epochs (0: unknown), ending with a line. d must not be nil.
func (d *Display) Train(epochs int, metric string) func(train.Epoch) {
	d.started = time.Now()
	return func(e train.Epoch) {
		d.Epoch(e, epochs, metric)
		if e.Stop {
			d.Done("trained %d epochs in %s, stopped early", e.Epoch, e.Elapsed.Round(time.Millisecond))
		} else if epochs > 0 && e.Epoch == epochs {
			d.Done("trained %d epochs in %s", e.Epoch, e.Elapsed.Round(time.Millisecond))
		}
	}
}

// Rows returns a scan's progress callback, which keeps one updating line
// ("profiling: 1.2M rows, 3.4M rows/s") on w at most every 200 ms, and a
// function ending the line. Both are no-ops when w is not a terminal. The
// callback may be called from several goroutines.
func Rows(w io.Writer, what string) (func(int64), func()) {
	f, ok := w.(*os.File)
	if !ok {
		return nil, func() {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil, func() {}
	}
	return rows(w, what)
}

func rows(w io.Writer, what string) (func(int64), func()) {
	var mu sync.Mutex
	start, last, shown := time.Now(), time.Time{}, false
	progress := func(rows int64) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if now.Sub(last) < 200*time.Millisecond {
			return
		}
		last, shown = now, true
		rate := float64(rows) / max(now.Sub(start).Seconds(), 1e-9)
		fmt.Fprintf(w, "\r%s: %s rows, %s rows/s   ", what, numfmt.Count(rows), numfmt.Count(int64(rate)))
	}
	return progress, func() {
		mu.Lock()
		defer mu.Unlock()
		if shown {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
