// Package parts is the one ordered pass over a dataset that validate's
// profiles, expectation row checks and coverage counts share: one
// accumulator per part, filled in parallel, merged in part order.
package parts

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/stats"
)

// Record is one record of one part of a dataset, as Scan hands it to a
// combiner. Rec is valid only during the call.
type Record struct {
	Index int // the part's index in Dataset.Parts
	Part  ingest.Part
	Rec   arrow.Record
}

// Scan runs fn over every record of ds in one pass: the parts are
// decoded in parallel by ingest's scan, each into its own accumulator, and
// stats.Ordered merges finished parts in part order, so the result does not
// depend on scheduling and memory holds only the accumulators of parts in
// flight or finished early. progress, when set, is called after each record
// with the number of rows read so far, from several goroutines.
func Scan[A, O any](ctx context.Context, ds *ingest.Dataset, fn stats.Combiner[A, Record, O], progress func(rows int64)) (O, error) {
	parts := ds.Parts()
	index := make(map[ingest.Part]int, len(parts))
	for i, p := range parts {
		index[p] = i
	}
	m := stats.NewOrdered(fn)
	var rows atomic.Int64
	err := ds.ScanParts(ctx, func(p ingest.Part, rec arrow.Record) error {
		if err := m.Add(index[p], Record{Index: index[p], Part: p, Rec: rec}); err != nil {
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

// Records adapts a combiner over records to Scan's input; errors name the
// doing and the file: "validate: profile a.parquet: …".
type Records[A, O any] struct {
	stats.Combiner[A, arrow.Record, O]
	Doing string
}

// AddInput adds the record of in.
func (r Records[A, O]) AddInput(acc A, in Record) (A, error) {
	acc, err := r.Combiner.AddInput(acc, in.Rec)
	if err != nil {
		return acc, fmt.Errorf("validate: %s %s: %w", r.Doing, in.Part.Path, err)
	}
	return acc, nil
}
