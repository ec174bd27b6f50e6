package pipeline

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
)

// driftCost estimates what each drifting input (warn or alert) costs the
// champion: its CBPE estimate of the monitored metric (or the task's
// headline) on the new rows, against the same rows with that feature's
// values drawn from the older rows of the training window (the new
// files left out: about the data the champion was trained on). The
// figures go to Record.DriftCost and the reasons ("drift on origin,
// estimated auc change -0.0300"). It needs a champion with a calibrator;
// a failure is a reason, not an error: the cost explains drift, it does
// not decide anything.
func (r *run) driftCost(ctx context.Context, c *champion, rep *drift.Report, b *newData) {
	if c.model.Calibrator() == nil || !r.opts.NewSince.IsZero() {
		return
	}
	var features []string
	for _, f := range rep.Features {
		if f.Verdict >= validate.VerdictWarn && slices.Contains(c.model.Preprocessor().Inputs(), f.Name) {
			features = append(features, f.Name)
		}
	}
	if len(features) == 0 {
		return
	}
	effects, err := r.featureEffects(ctx, c, b, features)
	if err != nil {
		r.reason("cost of the drift not estimated: %v", err)
		return
	}
	r.rec.DriftCost = effects
	for _, e := range effects {
		r.reason("%s (CBPE; assumes no concept drift)", e)
	}
}

func (r *run) featureEffects(ctx context.Context, c *champion, b *newData, features []string) ([]estimate.Effect, error) {
	var current []arrow.Record
	defer func() { releaseRecords(current) }()
	for rec, err := range b.ds.Records(ctx) {
		if err != nil {
			return nil, err
		}
		rec.Retain()
		current = append(current, rec)
	}
	values, err := r.referenceValues(ctx, b, features)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, a := range values {
			a.Release()
		}
	}()
	metric := r.cfg.Monitor.Metric
	if metric == "" || !estimable(metric) {
		metric = evaluate.Headline(evaluate.Task(c.model.Task()))
	}
	return estimate.FeatureEffects(ctx, c.model, current, values, features, metric, estimate.Options{})
}

// referenceValues are the features' values in the training window's rows
// outside the new files.
func (r *run) referenceValues(ctx context.Context, b *newData, features []string) (map[string]arrow.Array, error) {
	opts := r.ingestOptions()
	for _, f := range b.files {
		opts.Exclude = append(opts.Exclude, f.Path)
	}
	opts.Columns = append(slices.Clone(features), r.cfg.Data.TimeColumn)
	ds, err := ingest.Open(ctx, r.cfg.Sources(), opts)
	if err != nil {
		return nil, fmt.Errorf("reference rows: %w", err)
	}
	parts := map[string][]arrow.Array{}
	for rec, err := range (rows{ds: ds, timeCol: r.cfg.Data.TimeColumn, span: r.window()}).records(ctx) {
		if err != nil {
			return nil, err
		}
		for _, f := range features {
			col := rec.Column(rec.Schema().FieldIndices(f)[0])
			col.Retain()
			parts[f] = append(parts[f], col)
		}
	}
	out := map[string]arrow.Array{}
	for _, f := range features {
		if len(parts[f]) == 0 {
			return nil, fmt.Errorf("no reference rows in the window %s outside the new files", r.window())
		}
		a, err := array.Concatenate(parts[f], memory.DefaultAllocator)
		for _, p := range parts[f] {
			p.Release()
		}
		if err != nil {
			return nil, err
		}
		out[f] = a
	}
	return out, nil
}

func releaseRecords(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
