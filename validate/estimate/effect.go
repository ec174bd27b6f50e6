package estimate

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
)

// Effect is the estimated cost of one feature's drift. Drawing a
// feature's values independently of the other columns changes the
// estimate by itself (rows with unusual combinations score differently),
// so both sides are drawn the same way: Reference is the model's
// estimated metric on the current rows with the feature's values drawn
// from the reference, Baseline the same with them drawn from the current
// rows themselves, and Change = Baseline − Reference is what the
// feature's shift alone costs (< 0: the drift costs the model). Now is
// the estimate on the current rows as they are.
type Effect struct {
	Feature   string  `json:"feature"`
	Metric    string  `json:"metric"`
	Now       float64 `json:"now"`
	Baseline  float64 `json:"baseline"`
	Reference float64 `json:"reference"`
	Change    float64 `json:"change"`
}

// String is the alert's text: "drift on origin, estimated auc change
// -0.0300 (values drawn from the reference 0.7100, from the current rows
// 0.6800)".
func (e Effect) String() string {
	return fmt.Sprintf("drift on %s, estimated %s change %+.4f (values drawn from the reference %.4f, from the current rows %.4f)",
		e.Feature, e.Metric, e.Change, e.Reference, e.Baseline)
}

// FeatureEffects estimates the Effect of each of features on m's metric
// (a name of Names(m.Task())). current are the current rows; reference
// holds, per feature, the reference's values (any length, same type as
// the current column). Values are drawn uniformly with replacement,
// seeded by opts.Seed. The figure is the effect of the feature's
// marginal shift alone, under CBPE's assumptions (see the package doc).
// Records are only read; the caller keeps ownership.
func FeatureEffects(ctx context.Context, m *model.Model, current []arrow.Record, reference map[string]arrow.Array,
	features []string, metric string, opts Options) ([]Effect, error) {
	opts.Samples = 2 // the point estimates only
	now, err := estimateRecords(ctx, m, current, metric, opts)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x65666665637473))
	var out []Effect
	for _, f := range features {
		ref, ok := reference[f]
		if !ok || ref.Len() == 0 {
			continue
		}
		own, err := ownValues(current, f)
		if err != nil {
			return nil, fmt.Errorf("estimate: effect of %s: %w", f, err)
		}
		e := Effect{Feature: f, Metric: metric, Now: now}
		e.Reference, err = drawnEstimate(ctx, m, current, f, ref, metric, opts, rng)
		if err == nil {
			e.Baseline, err = drawnEstimate(ctx, m, current, f, own, metric, opts, rng)
		}
		own.Release()
		if err != nil {
			return nil, fmt.Errorf("estimate: effect of %s: %w", f, err)
		}
		e.Change = e.Baseline - e.Reference
		out = append(out, e)
	}
	return out, nil
}

// drawnEstimate is the estimate on recs with column f drawn from values.
func drawnEstimate(ctx context.Context, m *model.Model, recs []arrow.Record, f string, values arrow.Array, metric string,
	opts Options, rng *rand.Rand) (float64, error) {
	swapped, err := swapColumn(ctx, recs, f, values, rng)
	if err != nil {
		return 0, err
	}
	defer func() {
		for _, r := range swapped {
			r.Release()
		}
	}()
	return estimateRecords(ctx, m, swapped, metric, opts)
}

// ownValues concatenates column f of recs.
func ownValues(recs []arrow.Record, f string) (arrow.Array, error) {
	var parts []arrow.Array
	for _, r := range recs {
		idx := r.Schema().FieldIndices(f)
		if len(idx) == 0 {
			return nil, fmt.Errorf("no column %q in the current rows", f)
		}
		parts = append(parts, r.Column(idx[0]))
	}
	return array.Concatenate(parts, memory.DefaultAllocator)
}

func estimateRecords(ctx context.Context, m *model.Model, recs []arrow.Record, metric string, opts Options) (float64, error) {
	preds, _, err := Predict(ctx, m, func(yield func(arrow.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if len(preds) == 0 {
		return 0, fmt.Errorf("estimate: %w: no current rows", ErrInvalidInput)
	}
	e, err := FromModel(m, preds, opts)
	if err != nil {
		return 0, err
	}
	v, ok := e.Metric(metric)
	if !ok {
		return 0, fmt.Errorf("estimate: %w: metric %q not estimated for a %s model (want one of %v)", ErrInvalidInput, metric, e.Task, Names(e.Task))
	}
	return v.Value, nil
}

// swapColumn returns copies of recs whose column f holds values drawn
// from ref. The caller releases them.
func swapColumn(ctx context.Context, recs []arrow.Record, f string, ref arrow.Array, rng *rand.Rand) ([]arrow.Record, error) {
	var out []arrow.Record
	release := func() {
		for _, r := range out {
			r.Release()
		}
	}
	for _, rec := range recs {
		idx := rec.Schema().FieldIndices(f)
		if len(idx) == 0 {
			release()
			return nil, fmt.Errorf("no column %q in the current rows", f)
		}
		if !arrow.TypeEqual(rec.Column(idx[0]).DataType(), ref.DataType()) {
			release()
			return nil, fmt.Errorf("column %q is %s now, %s in the reference", f, rec.Column(idx[0]).DataType(), ref.DataType())
		}
		ib := array.NewInt64Builder(memory.DefaultAllocator)
		for range rec.NumRows() {
			ib.Append(rng.Int64N(int64(ref.Len())))
		}
		indices := ib.NewArray()
		ib.Release()
		col, err := compute.TakeArray(ctx, ref, indices)
		indices.Release()
		if err != nil {
			release()
			return nil, err
		}
		cols := make([]arrow.Array, rec.NumCols())
		copy(cols, rec.Columns())
		cols[idx[0]] = col
		out = append(out, array.NewRecord(rec.Schema(), cols, rec.NumRows()))
		col.Release()
	}
	return out, nil
}
