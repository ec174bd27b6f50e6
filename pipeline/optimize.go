package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/train"
)

// optimizeRows is how many rows the optimization search measures its
// metric on, at most.
const optimizeRows = 20000

// optimizeTail is the most recent fraction of the training rows that the
// optimization search measures on; fine-tuning uses the rows before it.
const optimizeTail = 0.1

// optimize prunes and quantizes the candidate as configured, keeping the
// smallest variant whose metric stays within max_metric_drop of the float
// model's. The metric is measured on the most recent tenth of the training
// rows and fine-tuning uses only the rows before them, so the search never
// measures on rows it tuned on, nor on their neighbours in time; the
// holdout, which every later comparison uses, is after both. The float
// model is kept as the candidate's parent for the max_drop_vs_parent
// gates.
func (r *run) optimize(ctx context.Context, c *candidate, tmp string) error {
	o := r.cfg.Optimize
	if o.Prune.Sparsity == 0 && o.Quantize.Bits == 0 {
		r.skip("optimize", "not configured")
		return nil
	}
	return r.stage("optimize", func(s *Stage) error {
		tune, measure, err := r.splitForOptimize(ctx, c)
		if err != nil {
			return err
		}
		val, err := r.validationRows(ctx, c, measure)
		if err != nil {
			return err
		}
		s.Notes = append(s.Notes, fmt.Sprintf("fine-tuned on %s, measured on %s (%d rows)", tune.span, measure.span, len(val.Labels)))
		tc := r.cfg.Train.Config
		tc.Epochs = max(o.Prune.FinetuneEpochs, 1)
		opts := optimize.Options{
			Sparsity: o.Prune.Sparsity, Structured: o.Prune.Structured, PerLayer: o.Prune.PerLayer,
			Quantize: o.Quantize.Bits == 8, MaxMetricDrop: o.MaxMetricDrop, Train: tc,
			FineTune: &train.Data{Train: tune.records, Features: r.cfg.Train.Features, Label: labelColumn,
				TimeColumn: r.cfg.Data.TimeColumn},
		}
		o.Quantize.choices().Apply(&opts) // checked with the config
		res, err := optimize.Run(ctx, c.model, val, opts)
		if err != nil {
			return err
		}
		r.rec.Optimization = &res
		if res.Model == nil || res.Model == c.model {
			s.Notes = append(s.Notes, "no variant kept the metric; the float model stays")
			return nil
		}
		dir := filepath.Join(tmp, "optimized")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("pipeline: %w", err)
		}
		c.parent, c.parentPath = c.model, c.path
		c.model, c.path = res.Model, filepath.Join(dir, artifactModel)
		s.Notes = append(s.Notes, fmt.Sprintf("%s %.4f → %.4f; %d of %d weights non-zero",
			res.Metric, res.Baseline, res.Final, res.Model.NonZeros(), res.Model.NumParams()))
		return res.Model.Save(c.path)
	})
}

// splitForOptimize splits the training rows in time: the rows to fine-tune
// on, then the most recent optimizeTail of them to measure on.
func (r *run) splitForOptimize(ctx context.Context, c *candidate) (tune, measure rows, err error) {
	cut, _, err := cutoff(ctx, r.cfg.Sources(), r.cfg.Data.TimeColumn, r.cfg.Train.Label, c.train.span, optimizeTail, r.ingestOptions())
	if err != nil {
		return rows{}, rows{}, err
	}
	tune, measure = c.train, c.train
	if !cut.IsZero() {
		tune.span.to, measure.span.from = cut, cut
	}
	return tune, measure, nil
}

// validationRows are the features and labels of up to optimizeRows of rs,
// transformed by the candidate's preprocessing.
func (r *run) validationRows(ctx context.Context, c *candidate, rs rows) (optimize.Validation, error) {
	rs.label = nil // Score evaluates the label expression itself
	sc, err := evaluate.Score(ctx, []*model.Model{c.model}, rs.ds.Schema(), rs.records(ctx),
		evaluate.ScoreOptions{Label: r.cfg.Train.Label, NoAutoSlices: true, SampleRows: optimizeRows})
	if err != nil {
		return optimize.Validation{}, fmt.Errorf("pipeline: optimize: %w", err)
	}
	return optimize.Validation{X: sc.Samples[0], Labels: sc.Labels[0][:sc.SampleRows]}, nil
}
