package expect

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
)

// DuplicateCounter counts rows that repeat an earlier row over some
// columns, hashing rows exactly as Check's duplicate_rows does (xxh3 of
// the columns' value hashes, nulls equal to nulls), so a reference's count
// compares with a new batch's. Memory is one map entry per distinct row,
// up to MaxKeys. Not safe for concurrent use.
type DuplicateCounter struct {
	cols    []string
	maxKeys int
	seen    map[uint64]struct{}
	rows    int64
	dups    int64
	over    bool
}

// NewDuplicateCounter counts duplicates over the named columns (all when
// empty), keeping at most maxKeys distinct rows (32M when <= 0).
func NewDuplicateCounter(cols []string, maxKeys int) *DuplicateCounter {
	if maxKeys <= 0 {
		maxKeys = 32 << 20
	}
	return &DuplicateCounter{cols: cols, maxKeys: maxKeys, seen: map[uint64]struct{}{}}
}

// Add counts the rows of rec, which must have the columns. rec is only
// read during the call.
func (d *DuplicateCounter) Add(rec arrow.Record) error {
	idx, err := columnIndices(rec.Schema(), d.cols)
	if err != nil {
		return fmt.Errorf("validate: count duplicate rows: %w", err)
	}
	d.rows += rec.NumRows()
	if d.over {
		return nil
	}
	keys, _ := (&uniqueCheck{cols: idx, rows: true}).hashes(rec)
	for _, k := range keys {
		if _, ok := d.seen[k]; ok {
			d.dups++
			continue
		}
		d.seen[k] = struct{}{}
	}
	if len(d.seen) > d.maxKeys {
		d.over, d.seen = true, nil
	}
	return nil
}

// Duplicates returns the rows seen and the rows that repeat an earlier
// one; ok is false when more than maxKeys distinct rows were seen (the
// count stopped).
func (d *DuplicateCounter) Duplicates() (rows, dups int64, ok bool) {
	return d.rows, d.dups, !d.over
}
