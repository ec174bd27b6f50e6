package validate

import (
	"context"
	"fmt"
	"sync"
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
// or record batch) is profiled in parallel by ingest's scan, and finished
// parts are merged into the result in part order as soon as every earlier
// part is merged, so the result does not depend on scheduling and memory
// holds only the partial profiles of parts in flight or finished early.
func ProfileDataset(ctx context.Context, ds *ingest.Dataset, opts ScanOptions) (*Profile, error) {
	if opts.Where != nil {
		if err := opts.Where.MustBool(); err != nil {
			return nil, fmt.Errorf("validate: profile: %w", err)
		}
	}
	m := newOrderedMerge(ds, opts.Profile)
	var rows atomic.Int64
	err := ds.ScanParts(ctx, func(p ingest.Part, rec arrow.Record) error {
		n := rows.Add(rec.NumRows())
		if err := addFiltered(m.partial(p), opts.Where, rec); err != nil {
			return fmt.Errorf("validate: profile %s: %w", p.Path, err)
		}
		if opts.Progress != nil {
			opts.Progress(n)
		}
		return nil
	}, m.done)
	if err != nil {
		return nil, err
	}
	return m.out, nil
}

// orderedMerge merges per-part profiles into one in part order.
type orderedMerge struct {
	schema *arrow.Schema
	opts   Options
	index  map[ingest.Part]int

	mu      sync.Mutex
	parts   map[int]*Profile // started or finished, not merged yet
	doneSet map[int]bool
	next    int // the next part to merge
	out     *Profile
}

func newOrderedMerge(ds *ingest.Dataset, opts Options) *orderedMerge {
	m := &orderedMerge{schema: ds.Schema(), opts: opts, index: map[ingest.Part]int{},
		parts: map[int]*Profile{}, doneSet: map[int]bool{}, out: NewProfile(ds.Schema(), opts)}
	for i, p := range ds.Parts() {
		m.index[p] = i
	}
	return m
}

// partial returns part p's profile; only p's goroutine uses it.
func (m *orderedMerge) partial(p ingest.Part) *Profile {
	i := m.index[p]
	m.mu.Lock()
	defer m.mu.Unlock()
	prof := m.parts[i]
	if prof == nil {
		prof = NewProfile(m.schema, m.opts)
		m.parts[i] = prof
	}
	return prof
}

// done marks part p finished and merges every finished part that is next
// in order.
func (m *orderedMerge) done(p ingest.Part) error {
	m.partial(p) // a part without records still takes its turn
	m.mu.Lock()
	defer m.mu.Unlock()
	m.doneSet[m.index[p]] = true
	for m.doneSet[m.next] {
		if err := m.out.Merge(m.parts[m.next]); err != nil {
			return err
		}
		delete(m.parts, m.next)
		delete(m.doneSet, m.next)
		m.next++
	}
	return nil
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
