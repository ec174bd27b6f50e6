package validate

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/stats"
)

// partRecord is one record of one part of a dataset, as scanOrdered hands
// it to a combiner. rec is valid only during the call.
type partRecord struct {
	index int // the part's index in Dataset.Parts
	part  ingest.Part
	rec   arrow.Record
}

// scanOrdered runs fn over every record of ds in one pass: the parts are
// decoded in parallel by ingest's scan, each into its own accumulator, and
// stats.Ordered merges finished parts in part order, so the result does not
// depend on scheduling and memory holds only the accumulators of parts in
// flight or finished early. progress, when set, is called after each record
// with the number of rows read so far, from several goroutines.
func scanOrdered[A, O any](ctx context.Context, ds *ingest.Dataset, fn stats.Combiner[A, partRecord, O], progress func(rows int64)) (O, error) {
	parts := ds.Parts()
	index := make(map[ingest.Part]int, len(parts))
	for i, p := range parts {
		index[p] = i
	}
	m := stats.NewOrdered(fn)
	var rows atomic.Int64
	err := ds.ScanParts(ctx, func(p ingest.Part, rec arrow.Record) error {
		if err := m.Add(index[p], partRecord{index: index[p], part: p, rec: rec}); err != nil {
			return err
		}
		if n := rows.Add(rec.NumRows()); progress != nil {
			progress(n)
		}
		return nil
	}, func(p ingest.Part) error { return m.Done(index[p]) })
	if err != nil {
		var zero O
		return zero, err
	}
	return m.Result(len(parts))
}

// recordsOf adapts a combiner over records to scanOrdered's input; errors
// name the doing and the file: "validate: profile a.parquet: …".
type recordsOf[A, O any] struct {
	stats.Combiner[A, arrow.Record, O]
	doing string
}

// AddInput adds the record of in.
func (r recordsOf[A, O]) AddInput(acc A, in partRecord) (A, error) {
	acc, err := r.Combiner.AddInput(acc, in.rec)
	if err != nil {
		return acc, fmt.Errorf("validate: %s %s: %w", r.doing, in.part.Path, err)
	}
	return acc, nil
}
