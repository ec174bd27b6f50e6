package main

import (
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/train"
)

// display is the commands' name for a progress.Display; nil draws nothing.
type display progress.Display

// newDisplay returns a display on w, or nil when w is not a terminal or the
// output is JSON.
func newDisplay(w io.Writer, format string) *display {
	return (*display)(progress.New(w, format))
}

func (d *display) p() *progress.Display                      { return (*progress.Display)(d) }
func (d *display) spin(what string)                          { d.p().Spin(what) }
func (d *display) clear()                                    { d.p().Clear() }
func (d *display) runProgress() func(pipeline.ProgressEvent) { return d.p().Run() }
func (d *display) trainProgress(epochs int, metric string) func(train.Epoch) {
	return d.p().Train(epochs, metric)
}

// trainMetric names the validation metric of a training (pipeline.MetricOf).
func trainMetric(task model.Task, label string, schema *arrow.Schema) string {
	prog, err := colexpr.Compile(label, schema)
	if err != nil {
		prog = nil
	}
	return pipeline.MetricOf(task, prog)
}
