package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/estimate"
)

// estimableMetrics are the metrics monitor.estimate can estimate.
var estimableMetrics = []string{estimate.Accuracy, estimate.Precision, estimate.Recall, estimate.F1, estimate.AUC,
	estimate.MacroPrecision, estimate.MacroRecall, estimate.MacroF1, estimate.MacroAUC}

func estimable(metric string) bool { return slices.Contains(estimableMetrics, metric) }

// defaultMinLabelled is monitor.min_labelled's default.
const defaultMinLabelled = 0.5

// labelsPending reports whether the new rows' labels have not (all)
// arrived while the monitor can estimate without them (monitor.estimate):
// the label does not evaluate on the new rows, or a column it reads has
// nulls. The label's columns are then left out of the data checks, whose
// schema, null-rate and label findings would otherwise block the run.
func (r *run) labelsPending(b *newData) bool {
	if !r.cfg.Monitor.estimates() || b.ds == nil || b.profile == nil {
		return false
	}
	prog, err := colexpr.Compile(r.cfg.Train.Label, b.ds.Schema())
	if err != nil {
		return true
	}
	for _, c := range prog.Columns() {
		for _, cp := range b.profile.Columns {
			if cp.Name == c && cp.Nulls > 0 && !slices.Contains(r.cfg.Train.Features, c) {
				return true
			}
		}
	}
	return false
}

// estimatedMonitor measures the champion for a monitor with estimate:
// cbpe. The realized metric (on the new rows that have labels) and the
// CBPE estimate (on every new row) are both recorded when both exist; the
// decision uses the realized one when at least min_labelled of the new
// rows have labels, the estimate otherwise.
func (r *run) estimatedMonitor(ctx context.Context, c *champion, b *newData) (*MonitorResult, error) {
	realized, rerr := r.liveMetric(ctx, c, b)
	metric := r.cfg.Monitor.Metric
	if metric == "" {
		metric = evaluate.Headline(evaluate.Task(c.model.Task()))
	}
	est, eerr := r.estimateMetric(ctx, c, b, metric)
	if eerr != nil && rerr != nil {
		return nil, fmt.Errorf("pipeline: monitor: no labels (%v) and no estimate: %w", rerr, eerr)
	}
	if eerr != nil {
		r.reason("champion %s's %s not estimated: %v", c.id, metric, eerr)
		return realized, nil
	}
	mr := &MonitorResult{Metric: metric, Estimated: est}
	labelled := 0
	if rerr == nil {
		labelled = realized.Rows
		mr.Realized, mr.RealizedRows = &realized.Value, realized.Rows
	}
	share := float64(labelled) / float64(max(est.Rows, 1))
	min := r.cfg.Monitor.MinLabelled
	if min == 0 {
		min = defaultMinLabelled
	}
	if rerr == nil && share >= min {
		mr.Value, mr.Rows, mr.Interval, mr.Source = realized.Value, realized.Rows, realized.Interval, SourceRealized
		r.reason("%s of %s new rows have labels (at least %.0f%%): the monitor uses the realized %s; the CBPE estimate is %s",
			numfmt.Count(int64(labelled)), numfmt.Count(int64(est.Rows)), 100*min, metric, est)
		return mr, nil
	}
	mr.Value, mr.Rows, mr.Source = est.Value, est.Rows, SourceEstimated
	mr.Interval = &evaluate.Interval{Metric: metric, Estimate: est.Value, Lo: est.Lo, Hi: est.Hi, Level: est.Level}
	why := "no new row has a label"
	if rerr == nil {
		why = fmt.Sprintf("only %s of %s new rows have labels (below %.0f%%; realized %s %.4f on them)",
			numfmt.Count(int64(labelled)), numfmt.Count(int64(est.Rows)), 100*min, metric, realized.Value)
	}
	r.reason("%s: the monitor uses the CBPE estimate (assumes no concept drift; calibrator: %s)", why, est.Calibration)
	return mr, nil
}

// estimateMetric estimates the champion's metric on every new row.
func (r *run) estimateMetric(ctx context.Context, c *champion, b *newData, metric string) (*EstimatedMetric, error) {
	preds, _, err := estimate.Predict(ctx, c.model, b.ds.Records(ctx))
	if err != nil {
		return nil, err
	}
	if len(preds) == 0 {
		return nil, fmt.Errorf("no new rows")
	}
	e, err := estimate.FromModel(c.model, preds, estimate.Options{})
	if err != nil {
		return nil, err
	}
	m, ok := e.Metric(metric)
	if !ok {
		return nil, fmt.Errorf("metric %q cannot be estimated for a %s model (estimable: %v)", metric, e.Task, estimate.Names(e.Task))
	}
	return &EstimatedMetric{Method: e.Method, Value: m.Value, Lo: m.Lo, Hi: m.Hi, Level: e.Level, Rows: e.Rows,
		Calibration: e.Calibration, Warnings: e.Warnings,
		SamplingLo: m.SamplingLo, SamplingHi: m.SamplingHi, Shift: m.Shift}, nil
}

// Sources of MonitorResult.Value.
const (
	SourceRealized  = "realized"
	SourceEstimated = "estimated"
)
