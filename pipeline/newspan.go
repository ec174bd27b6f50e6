package pipeline

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/refit-ml/refit/ingest"
)

// newSpan is the span of the new rows when Options.NewSince is set.
func (r *run) newSpan() span { return span{from: r.opts.NewSince, to: r.opts.Now} }

// discoverSpan is discover when Options.NewSince is set: the new data is
// the source's rows in [NewSince, Now), whatever files hold them, and the
// catalog's processed files are neither read nor written.
func (r *run) discoverSpan(ctx context.Context) (*newData, error) {
	s := r.newSpan()
	r.rec.NewSpan = s.String()
	var b *newData
	err := r.stage("discover", func(st *Stage) error {
		n, files, err := countRows(ctx, r.cfg.Sources(), r.cfg.Data.TimeColumn, s, r.ingestOptions())
		if err != nil {
			return err
		}
		st.Notes = append(st.Notes, fmt.Sprintf("%d rows in %s across %d files", n, s, files))
		if n > 0 {
			b = &newData{}
		}
		return nil
	})
	if err == nil && b == nil && !r.opts.Force {
		r.rec.Outcome = OutcomeNoData
		r.reason("no new rows in %s", s)
	}
	return b, err
}

// countRows counts the rows of the sources whose time lies in s, reading
// only the time column, and returns the number of files.
func countRows(ctx context.Context, sources []string, timeCol string, s span, opts ingest.Options) (int64, int, error) {
	opts.Columns = []string{timeCol}
	ds, err := ingest.Open(ctx, sources, opts)
	if err != nil {
		return 0, 0, err
	}
	var n int64
	for rec, err := range (rows{ds: ds, timeCol: timeCol, span: s}).records(ctx) {
		if err != nil {
			return 0, 0, err
		}
		n += rec.NumRows()
	}
	return n, len(ds.Files()), nil
}

// openNew opens the run's new data: the new files, or with
// Options.NewSince the source's rows in the new span.
func (r *run) openNew(ctx context.Context, b *newData) (*ingest.Dataset, error) {
	opts := r.ingestOptions()
	if r.opts.NewSince.IsZero() {
		paths := make([]string, len(b.files))
		for i, f := range b.files {
			paths[i] = f.Path
		}
		return ingest.Open(ctx, paths, opts)
	}
	opts.Filter = spanFilter(r.cfg.Data.TimeColumn, r.newSpan())
	return ingest.Open(ctx, r.cfg.Sources(), opts)
}

// spanFilter keeps the rows whose time lies in s (an ingest.Options.Filter).
func spanFilter(timeCol string, s span) func(arrow.Record) (arrow.Record, error) {
	return func(rec arrow.Record) (arrow.Record, error) {
		mask, err := timeMask(rec, timeCol, s)
		if err != nil {
			return nil, err
		}
		defer mask.Release()
		return compute.FilterRecordBatch(context.Background(), rec, mask, compute.DefaultFilterOptions())
	}
}
