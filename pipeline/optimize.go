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

// optimizeRows is how many training rows the optimization search measures
// its metric on.
const optimizeRows = 20000

// optimize prunes and quantizes the candidate as configured, keeping the
// smallest variant whose metric on training rows stays within
// max_metric_drop of the float model's. The float model is kept as the
// candidate's parent for the max_drop_vs_parent gates.
func (r *run) optimize(ctx context.Context, c *candidate, tmp string) error {
	o := r.cfg.Optimize
	if o.Prune.Sparsity == 0 && o.Quantize.Bits == 0 {
		r.skip("optimize", "not configured")
		return nil
	}
	return r.stage("optimize", func(s *Stage) error {
		val, err := r.validationRows(ctx, c)
		if err != nil {
			return err
		}
		tc := r.cfg.Train.Config
		tc.Epochs = max(o.Prune.FinetuneEpochs, 1)
		opts := optimize.Options{
			Sparsity: o.Prune.Sparsity, Structured: o.Prune.Structured, PerLayer: o.Prune.PerLayer,
			Quantize: o.Quantize.Bits == 8, MaxMetricDrop: o.MaxMetricDrop, Train: tc,
			FineTune: &train.Data{Train: c.train.records, Features: r.cfg.Train.Features, Label: labelColumn},
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

// validationRows are the features and labels of the first training rows,
// transformed by the candidate's preprocessing.
func (r *run) validationRows(ctx context.Context, c *candidate) (optimize.Validation, error) {
	rs := c.train
	rs.label = nil // Score evaluates the label expression itself
	sc, err := evaluate.Score(ctx, []*model.Model{c.model}, rs.ds.Schema(), rs.records(ctx),
		evaluate.ScoreOptions{Label: r.cfg.Train.Label, NoAutoSlices: true, SampleRows: optimizeRows})
	if err != nil {
		return optimize.Validation{}, fmt.Errorf("pipeline: optimize: %w", err)
	}
	return optimize.Validation{X: sc.Samples[0], Labels: sc.Labels[0][:sc.SampleRows]}, nil
}
