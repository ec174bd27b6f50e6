package profile

import (
	"context"
	"errors"
	"fmt"

	"github.com/refit-ml/refit/ingest"
	"golang.org/x/sync/errgroup"
)

// ShardFormat is the "format" of a profile shard file.
const ShardFormat = "refit-profile-shard"

// ShardVersion is the version of the profile shard format.
const ShardVersion = 1

// ErrShards: a set of profile shards does not make one whole dataset
// (a shard missing or given twice, shards of different splits or schemas).
var ErrShards = errors.New("shards do not make a whole")

// ShardHeader describes a profile shard without its partial profiles.
type ShardHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Index   int    `json:"shard"`      // this shard, 0-based
	Count   int    `json:"shards"`     // shards in the split
	Parts   int    `json:"parts"`      // parts of the whole dataset
	First   int    `json:"first_part"` // the shard's first part
}

// Shard is the profile of shard Index of Count of a dataset: the
// partial profile of each of its parts, in part order. Keeping the parts
// apart (rather than one merged profile) is what lets MergeShards fold
// every part in the order Scan does, so the merged profile has
// the same bytes as the whole dataset's; sketches merge commutatively but
// not associatively. The value encodes with encoding/json.
type Shard struct {
	ShardHeader
	Partials []*Profile `json:"partials"`
}

// ShardRange returns the parts [lo, hi) of shard i of n over parts parts:
// contiguous and balanced (sizes differ by at most one), so a split depends
// only on the number of parts.
func ShardRange(parts, i, n int) (lo, hi int) { return i * parts / n, (i + 1) * parts / n }

// ShardOf profiles shard i of n of ds: each of its parts with
// Part, up to parallelism at once (1 when below 1).
func ShardOf(ctx context.Context, ds *ingest.Dataset, i, n int, opts Options, parallelism int) (*Shard, error) {
	if n < 1 || i < 0 || i >= n {
		return nil, fmt.Errorf("validate: profile shard %d/%d: want 0 <= i < n: %w", i, n, ErrShards)
	}
	parts := ds.Parts()
	lo, hi := ShardRange(len(parts), i, n)
	s := &Shard{ShardHeader: ShardHeader{Format: ShardFormat, Version: ShardVersion,
		Index: i, Count: n, Parts: len(parts), First: lo}, Partials: make([]*Profile, hi-lo)}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(parallelism, 1))
	for k := lo; k < hi; k++ {
		g.Go(func() error {
			p, err := Part(gctx, ds, parts[k], opts)
			s.Partials[k-lo] = p
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return s, nil
}

// Check verifies a decoded shard's header against its partials.
func (s *Shard) Check() error {
	h := s.ShardHeader
	lo, hi := ShardRange(h.Parts, h.Index, max(h.Count, 1))
	switch {
	case h.Format != ShardFormat || h.Version != ShardVersion:
		return fmt.Errorf("validate: profile shard: format %q version %d, want %q version %d: %w", h.Format, h.Version, ShardFormat, ShardVersion, ErrCorrupt)
	case h.Count < 1 || h.Index < 0 || h.Index >= h.Count || h.Parts < 0:
		return fmt.Errorf("validate: profile shard %d/%d of %d parts: %w", h.Index, h.Count, h.Parts, ErrCorrupt)
	case h.First != lo || len(s.Partials) != hi-lo:
		return fmt.Errorf("validate: profile shard %d/%d: parts %d..%d, want %d..%d: %w", h.Index, h.Count, h.First, h.First+len(s.Partials), lo, hi, ErrCorrupt)
	}
	for _, p := range s.Partials {
		if p == nil {
			return fmt.Errorf("validate: profile shard %d/%d: a null partial profile: %w", h.Index, h.Count, ErrCorrupt)
		}
	}
	return nil
}

// ShardMerger folds the shards of one split in shard order (Add them
// sorted by Index; each is checked against the first), so only one shard
// needs to be held at a time.
type ShardMerger struct {
	first ShardHeader
	next  int // the next shard expected
	acc   *Profile
}

// Add folds s, which must be the next shard of the split, into the result.
func (m *ShardMerger) Add(s *Shard) error {
	if err := s.Check(); err != nil {
		return err
	}
	if m.next == 0 {
		m.first = s.ShardHeader
	}
	h := s.ShardHeader
	switch {
	case h.Count != m.first.Count || h.Parts != m.first.Parts:
		return fmt.Errorf("validate: merge shards: shard %d/%d of %d parts and shard %d/%d of %d parts are of different splits: %w",
			m.first.Index, m.first.Count, m.first.Parts, h.Index, h.Count, h.Parts, ErrShards)
	case h.Index < m.next:
		return fmt.Errorf("validate: merge shards: shard %d/%d given twice: %w", h.Index, h.Count, ErrShards)
	case h.Index > m.next:
		return fmt.Errorf("validate: merge shards: shard %d/%d missing: %w", m.next, h.Count, ErrShards)
	}
	for _, p := range s.Partials {
		if m.acc == nil {
			m.acc = p
			continue
		}
		if !SameSchema(m.acc, p) {
			return fmt.Errorf("validate: merge shards: shard %d/%d has another schema: %w", h.Index, h.Count, ErrShards)
		}
		if err := m.acc.Merge(p); err != nil {
			return err
		}
	}
	m.next++
	return nil
}

// Profile returns the merged profile once every shard is added.
func (m *ShardMerger) Profile() (*Profile, error) {
	switch {
	case m.next == 0:
		return nil, fmt.Errorf("validate: merge shards: no shards: %w", ErrShards)
	case m.next < m.first.Count:
		return nil, fmt.Errorf("validate: merge shards: shard %d/%d missing: %w", m.next, m.first.Count, ErrShards)
	case m.acc == nil:
		return nil, fmt.Errorf("validate: merge shards: the dataset has no parts: %w", ErrShards)
	}
	return m.acc, nil
}
