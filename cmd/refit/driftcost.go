package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/estimate"
)

// driftCost estimates, for each feature of m that drifted (warn or
// alert), what its drift costs m: the CBPE estimate of m's headline
// metric (auc, or accuracy for multiclass) on the current rows, against
// the same rows with that feature's values drawn from the reference's
// (estimate.FeatureEffects). Both sides must be data.
func driftCost(ctx context.Context, opts ingest.Options, m *model.Model, r *validate.DriftReport, ref, cur sideSpec) ([]estimate.Effect, error) {
	if isSavedProfile(ref.sources) || isSavedProfile(cur.sources) {
		return nil, fmt.Errorf("--model: the cost of drift needs data on both sides, not a saved profile")
	}
	var features []string
	for _, f := range r.Features {
		if f.Verdict >= validate.VerdictWarn && slices.Contains(m.Preprocessor().Inputs(), f.Name) {
			features = append(features, f.Name)
		}
	}
	if len(features) == 0 {
		return nil, nil
	}
	current, err := sideRecords(ctx, opts, cur)
	if err != nil {
		return nil, err
	}
	defer releaseAll(current)
	refRecs, err := sideRecords(ctx, opts, ref)
	if err != nil {
		return nil, err
	}
	defer releaseAll(refRecs)
	values := map[string]arrow.Array{}
	for _, f := range features {
		a, err := columnOf(refRecs, f)
		if err != nil {
			return nil, err
		}
		defer a.Release()
		values[f] = a
	}
	metric := estimate.AUC
	if m.Task() == model.TaskMulticlass {
		metric = estimate.Accuracy
	}
	return estimate.FeatureEffects(ctx, m, current, values, features, metric, estimate.Options{})
}

// sideRecords reads a side's rows (after its where) into memory; the
// caller releases them.
func sideRecords(ctx context.Context, opts ingest.Options, s sideSpec) ([]arrow.Record, error) {
	ds, err := ingest.Open(ctx, s.sources, opts)
	if err != nil {
		return nil, err
	}
	src, err := exprSource(ds, s.where, "")
	if err != nil {
		return nil, err
	}
	var out []arrow.Record
	for rec, err := range src(ctx) {
		if err != nil {
			releaseAll(out)
			return nil, err
		}
		rec.Retain()
		out = append(out, rec)
	}
	return out, nil
}

// columnOf concatenates column name of recs.
func columnOf(recs []arrow.Record, name string) (arrow.Array, error) {
	var parts []arrow.Array
	for _, r := range recs {
		idx := r.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return nil, fmt.Errorf("--model: no column %q in the reference", name)
		}
		parts = append(parts, r.Column(idx[0]))
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("--model: no reference rows")
	}
	return array.Concatenate(parts, memory.DefaultAllocator)
}

// writeDriftCost writes the text lines of the drift's cost.
func writeDriftCost(w io.Writer, effects []estimate.Effect) {
	if len(effects) == 0 {
		return
	}
	fmt.Fprintln(w, "\ncost of drift (CBPE estimates; assumes no concept drift):")
	for _, e := range effects {
		fmt.Fprintf(w, "  %s\n", e)
	}
}

// releaseAll releases every record of recs.
func releaseAll(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
