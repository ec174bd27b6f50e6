package main

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
)

// driftCost reads both sides' rows and estimates what each drifted
// feature's drift costs m (estimate.DriftCost). Both sides must be data.
func driftCost(ctx context.Context, opts ingest.Options, m *model.Model, r *drift.Report, ref, cur sideSpec) ([]estimate.Effect, error) {
	if isSavedProfile(ref.sources) || isSavedProfile(cur.sources) {
		return nil, fmt.Errorf("--model: the cost of drift needs data on both sides, not a saved profile")
	}
	features := estimate.DriftedInputs(m, r)
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
	return estimate.DriftCost(ctx, m, features, current, refRecs)
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

// releaseAll releases every record of recs.
func releaseAll(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
