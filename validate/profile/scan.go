package profile

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/validate/internal/parts"
)

// ScanOptions control Scan. The zero value profiles every row.
type ScanOptions struct {
	Profile Options
	// Where, when set, keeps only the rows where it is true.
	Where *colexpr.Program
	// Progress, when set, is called after each record with the number of
	// rows read so far (before Where), from several goroutines.
	Progress func(rows int64)
}

// Scan profiles every row of ds in one pass: each part (row group
// or record batch) is profiled in parallel by ingest's scan, and finished
// parts are merged into the result in part order as soon as every earlier
// part is merged (stats.Ordered), so the result does not depend on
// scheduling and memory holds only the partial profiles of parts in flight
// or finished early.
func Scan(ctx context.Context, ds *ingest.Dataset, opts ScanOptions) (*Profile, error) {
	if opts.Where != nil {
		if err := opts.Where.MustBool(); err != nil {
			return nil, fmt.Errorf("validate: profile: %w", err)
		}
	}
	fn := Fn{Schema: ds.Schema(), Options: opts.Profile, Where: opts.Where}
	return parts.Scan(ctx, ds, parts.Records[*Profile, *Profile]{Combiner: fn, Doing: "profile"}, opts.Progress)
}

// Fn is a profile as a stats.Combiner over records (the shape of an
// Apache Beam CombineFn): CreateAccumulator is an empty profile of Schema,
// AddInput adds a record's rows (those where Where is true, when set),
// MergeAccumulators merges profiles and ExtractOutput returns the profile.
// The accumulator encodes with encoding/json.
type Fn struct {
	Schema  *arrow.Schema
	Options Options
	// Where, when set, keeps only the rows where it is true; it must be a
	// boolean expression.
	Where *colexpr.Program
}

// CreateAccumulator returns an empty profile.
func (f Fn) CreateAccumulator() *Profile { return New(f.Schema, f.Options) }

// AddInput adds rec's rows; rec is only read during the call.
func (f Fn) AddInput(p *Profile, rec arrow.Record) (*Profile, error) {
	if f.Where == nil {
		return p, p.Add(rec)
	}
	kept, err := colexpr.Filter(f.Where, rec)
	if err != nil {
		return p, err
	}
	defer kept.Release()
	return p, p.Add(kept)
}

// MergeAccumulators merges o into p.
func (Fn) MergeAccumulators(p, o *Profile) (*Profile, error) { return p, p.Merge(o) }

// ExtractOutput returns p.
func (Fn) ExtractOutput(p *Profile) (*Profile, error) { return p, nil }
