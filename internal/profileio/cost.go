package profileio

import (
	"context"
	"errors"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
)

// ErrSavedSide is DriftCost's error when a side is a saved profile: the
// cost of drift needs the rows.
var ErrSavedSide = errors.New("the cost of drift needs data on both sides, not a saved profile")

// DriftCost reads both sides' rows and estimates what the drift r found in
// each of m's inputs costs m (estimate.DriftCost); nil when no input
// drifted. Both sides must be data.
func DriftCost(ctx context.Context, m *model.Model, r *drift.Report, ref, cur Side) ([]estimate.Effect, error) {
	if ref.Saved() || cur.Saved() {
		return nil, ErrSavedSide
	}
	features := estimate.DriftedInputs(m, r)
	if len(features) == 0 {
		return nil, nil
	}
	current, err := cur.Records(ctx)
	if err != nil {
		return nil, err
	}
	defer release(current)
	refRecs, err := ref.Records(ctx)
	if err != nil {
		return nil, err
	}
	defer release(refRecs)
	return estimate.DriftCost(ctx, m, features, current, refRecs)
}

// Records reads the side's rows (after its Where) into memory; the caller
// releases them.
func (s Side) Records(ctx context.Context) ([]arrow.Record, error) {
	ds, err := ingest.Open(ctx, s.Sources, s.Open)
	if err != nil {
		return nil, err
	}
	src, err := train.Select(ds.Records, ds.Schema(), s.Where, "")
	if err != nil {
		return nil, err
	}
	var out []arrow.Record
	for rec, err := range src(ctx) {
		if err != nil {
			release(out)
			return nil, err
		}
		rec.Retain()
		out = append(out, rec)
	}
	return out, nil
}

// release releases every record of recs.
func release(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}

// Drift loads both sides (reading only opts.Columns, when set) and
// measures the drift of cur against ref (drift.Compare).
func Drift(ctx context.Context, ref, cur Side, opts drift.Options) (*drift.Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	rp, err := ref.Load(ctx, opts.Columns)
	if err != nil {
		return nil, err
	}
	cp, err := cur.Load(ctx, opts.Columns)
	if err != nil {
		return nil, err
	}
	return drift.Compare(ctx, rp, cp, opts)
}
