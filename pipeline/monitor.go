package pipeline

import (
	"context"
	"fmt"
	"math"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/model"
)

// monitor scores the champion on the new labelled rows. breached is the
// metric past monitor.retrain_below (or _above); decayed is it worse than
// the champion's own holdout metric by more than monitor.max_drop.
func (r *run) monitor(ctx context.Context, c *champion, b *newData) (breached, decayed bool, err error) {
	m := r.cfg.Monitor
	if !m.enabled() {
		return false, false, nil
	}
	liveMetric := r.liveMetric
	if m.estimates() {
		liveMetric = r.estimatedMonitor
	}
	mr, err := liveMetric(ctx, c, b)
	if err != nil {
		return false, false, err
	}
	r.rec.Monitor = mr
	live := fmt.Sprintf("champion %s's %s on the new rows is %.4f", c.id, mr.Metric, mr.Value)
	if mr.Source == SourceEstimated {
		live = fmt.Sprintf("champion %s's estimated %s on the new rows is %.4f", c.id, mr.Metric, mr.Value)
	}
	if iv := mr.Interval; iv != nil {
		live += fmt.Sprintf(" [%.4f, %.4f]", iv.Lo, iv.Hi)
	}
	if m.RetrainBelow != nil || m.RetrainAbove != nil {
		if m.RetrainBelow != nil {
			mr.Threshold, mr.Breached = *m.RetrainBelow, mr.Value < *m.RetrainBelow
		} else {
			mr.Threshold, mr.Breached = *m.RetrainAbove, mr.Value > *m.RetrainAbove
		}
		if mr.Breached {
			r.reason("%s, past %.4f: retrain", live, mr.Threshold)
		} else {
			r.reason("%s (threshold %.4f)", live, mr.Threshold)
		}
	} else {
		r.reason("%s", live)
	}
	if m.MaxDrop > 0 {
		decayed = r.decay(c, mr)
	}
	return mr.Breached, decayed, nil
}

// liveMetric is the champion's monitored metric on the new rows, with its
// bootstrap interval.
func (r *run) liveMetric(ctx context.Context, c *champion, b *newData) (*MonitorResult, error) {
	models := []*model.Model{c.model}
	sc, err := evaluate.Score(ctx, models, b.ds.Schema(), b.ds.Records(ctx),
		evaluate.ScoreOptions{Label: r.cfg.Train.Label, NoAutoSlices: true})
	if err != nil {
		return nil, fmt.Errorf("pipeline: monitor: %w", err)
	}
	res, err := evaluate.EvaluateModels(ctx, sc, models, []string{c.id}, []string{""}, evaluate.ModelOptions{NoCost: true})
	if err != nil {
		return nil, fmt.Errorf("pipeline: monitor: %w", err)
	}
	metric := r.cfg.Monitor.Metric
	if metric == "" {
		metric = evaluate.Headline(res[0].Task)
	}
	v, ok := res[0].Metrics[metric]
	if !ok {
		return nil, fmt.Errorf("pipeline: monitor: metric %q not measured for a %s model", metric, res[0].Task)
	}
	mr := &MonitorResult{Metric: metric, Value: v, Rows: res[0].Rows}
	if r.cfg.Monitor.MaxDrop > 0 {
		iv, err := evaluate.MetricInterval(sc, 0, c.model, metric, evaluate.BootstrapOptions{})
		if err != nil {
			return nil, fmt.Errorf("pipeline: monitor: %w", err)
		}
		mr.Interval = &iv
	}
	return mr, nil
}

// decay compares the live metric with the champion's holdout metric and
// records the comparison; it reports whether the drop calls for a retrain.
func (r *run) decay(c *champion, mr *MonitorResult) bool {
	max := r.cfg.Monitor.MaxDrop
	if c.holdout == nil {
		r.reason("champion %s has no holdout evaluation: its decay is not measured", c.id)
		return false
	}
	ref, ok := c.holdout.Metrics[mr.Metric]
	if !ok {
		r.reason("champion %s's holdout evaluation has no %s: its decay is not measured", c.id, mr.Metric)
		return false
	}
	d := &Decay{Holdout: ref, HoldoutRows: c.holdout.Rows, MaxDrop: max}
	d.Drop = ref - mr.Value
	if higher, _ := evaluate.HigherIsBetter(mr.Metric); !higher {
		d.Drop = -d.Drop
	}
	se := math.Hypot(stdErr(mr.Interval), stdErr(c.holdout.IntervalOf(mr.Metric, "")))
	d.Lo = d.Drop - 1.6448536269514722*se // one-sided 95%
	d.Breached = d.Lo > max
	mr.Decay = d
	text := fmt.Sprintf("champion %s's %s moved from %.4f on its holdout (%s rows) to %.4f on the new rows: a drop of %.4f, at least %.4f at 95%%",
		c.id, mr.Metric, ref, numfmt.Count(int64(d.HoldoutRows)), mr.Value, d.Drop, d.Lo)
	if d.Breached {
		r.reason("%s, beyond max_drop %.4f: retrain", text, max)
	} else {
		r.reason("%s, within max_drop %.4f", text, max)
	}
	return d.Breached
}

// stdErr is the standard error a two-sided percentile interval implies
// under a normal approximation; 0 for none (the figure is taken as exact).
func stdErr(iv *evaluate.Interval) float64 {
	if iv == nil || iv.Level <= 0 || iv.Level >= 1 || !(iv.Hi >= iv.Lo) {
		return 0
	}
	z := math.Sqrt2 * math.Erfinv(iv.Level)
	return (iv.Hi - iv.Lo) / (2 * z)
}
