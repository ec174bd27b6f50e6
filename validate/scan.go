package validate

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
)

// ScanOptions control ProfileDataset. The zero value profiles every row.
type ScanOptions struct {
	Profile Options
	// Where, when set, keeps only the rows where it is true.
	Where *colexpr.Program
	// Progress, when set, is called after each record with the number of
	// rows read so far (before Where), from several goroutines.
	Progress func(rows int64)
}

// ProfileDataset profiles every row of ds in one pass: each part (row group
// or record batch) is profiled in parallel by ingest's scan, then the
// partial profiles are merged in part order, so the result does not depend
// on scheduling.
func ProfileDataset(ctx context.Context, ds *ingest.Dataset, opts ScanOptions) (*Profile, error) {
	if opts.Where != nil {
		if err := opts.Where.MustBool(); err != nil {
			return nil, fmt.Errorf("validate: profile: %w", err)
		}
	}
	parts := ds.Parts()
	partial := make([]*Profile, len(parts))
	index := make(map[ingest.Part]int, len(parts))
	for i, p := range parts {
		index[p] = i
		partial[i] = NewProfile(ds.Schema(), opts.Profile)
	}
	var rows atomic.Int64
	err := ds.Scan(ctx, func(p ingest.Part, rec arrow.Record) error {
		n := rows.Add(rec.NumRows())
		if err := addFiltered(partial[index[p]], opts.Where, rec); err != nil {
			return fmt.Errorf("validate: profile %s: %w", p.Path, err)
		}
		if opts.Progress != nil {
			opts.Progress(n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := NewProfile(ds.Schema(), opts.Profile)
	for _, p := range partial {
		if err := out.Merge(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func addFiltered(p *Profile, where *colexpr.Program, rec arrow.Record) error {
	if where == nil {
		return p.Add(rec)
	}
	kept, err := colexpr.Filter(where, rec)
	if err != nil {
		return err
	}
	defer kept.Release()
	return p.Add(kept)
}
