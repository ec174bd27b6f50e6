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

// Effect is the estimated cost of one feature's drift: the model's
// estimated metric on the current rows as they are, against the same
// rows with that feature's values drawn at random from the reference
// (every other column kept). Change < 0 means the drift costs the model.
type Effect struct {
	Feature   string  `json:"feature"`
	Metric    string  `json:"metric"`
	Current   float64 `json:"current"`
	Reference float64 `json:"reference"`
	Change    float64 `json:"change"`
}

// String is the alert's text: "drift on origin, estimated auc change
// -0.0300 (0.7100 with the reference's values, 0.6800 now)".
func (e Effect) String() string {
	return fmt.Sprintf("drift on %s, estimated %s change %+.4f (%.4f with the reference's values, %.4f now)",
		e.Feature, e.Metric, e.Change, e.Reference, e.Current)
}

// FeatureEffects estimates the Effect of each of features on m's metric
// (a name of Names(m.Task())). current are the current rows; reference
// holds, per feature, the reference's values (any length, same type as
// the current column), from which each current row's value is drawn
// uniformly (seeded by opts.Seed): the feature's reference distribution
// without its dependence on the other columns. Drawing breaks the
// feature's correlations with the rest, so the figure is the effect of
// the feature's marginal shift alone, under CBPE's assumptions (see the
// package doc). Records are only read; the caller keeps ownership.
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
		swapped, err := swapColumn(ctx, current, f, ref, rng)
		if err != nil {
			return nil, fmt.Errorf("estimate: effect of %s: %w", f, err)
		}
		v, err := estimateRecords(ctx, m, swapped, metric, opts)
		for _, r := range swapped {
			r.Release()
		}
		if err != nil {
			return nil, fmt.Errorf("estimate: effect of %s: %w", f, err)
		}
		out = append(out, Effect{Feature: f, Metric: metric, Current: now, Reference: v, Change: now - v})
	}
	return out, nil
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
