package expect

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/zeebo/xxh3"
)

// uniqueCheck finds repeated values of a column, or repeated rows, with one
// set shared by all parts: a map from the value's xxh3 64-bit hash (see
// hashAt; rows hash their columns' hashes) to the position of its first
// occurrence. Two different values with the same hash would count as a
// repeat; with n values that happens with probability about n²/2⁶⁵ (3·10⁻⁷
// for 3M values). Memory is bounded by maxKeys.
//
// Which occurrence is "the repeat" does not depend on the order parts are
// scanned in: the set keeps the earliest position of each value, and every
// other occurrence is reported exactly once, so the examples are the first
// repeats in dataset order.
type uniqueCheck struct {
	cols    []int
	rows    bool // whole rows: nulls take part and every row counts
	maxKeys int

	mu      sync.Mutex
	seen    map[uint64]uint64 // hash → packed first position
	failing int64
	total   int64
	perPart map[uint64]int64 // repeats by the part they are in
	cand    []candidate      // repeats kept as examples, at most 4·max
	worst   uint64           // candidates after this position cannot be examples
	over    bool
}

type candidate struct {
	pos   uint64
	value string
}

func newUniqueCheck(cols []int, maxKeys int, rows bool) *uniqueCheck {
	return &uniqueCheck{cols: cols, rows: rows, maxKeys: maxKeys, seen: map[uint64]uint64{}, perPart: map[uint64]int64{}, worst: ^uint64(0)}
}

func (c *uniqueCheck) check(rec arrow.Record, at rowLoc, st *checkState) error {
	keys, valid := c.hashes(rec)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.over {
		return nil
	}
	for i, k := range keys {
		if valid != nil && !valid[i] {
			continue
		}
		c.total++
		c.insert(rec, k, packRow(at.part, at.base+int64(i)), i, st.max)
		if len(c.seen) > c.maxKeys {
			c.over, c.seen, c.cand = true, nil, nil
			return nil
		}
	}
	return nil
}

// insert records one occurrence; a repeat is the later of the two positions.
func (c *uniqueCheck) insert(rec arrow.Record, k, pos uint64, i, maxExamples int) {
	first, ok := c.seen[k]
	if !ok {
		c.seen[k] = pos
		return
	}
	c.failing++
	repeat := max(first, pos)
	c.perPart[repeat>>40]++
	c.seen[k] = min(first, pos)
	if repeat < c.worst {
		c.cand = append(c.cand, candidate{repeat, rowText(rec, c.cols, i, false)})
		if len(c.cand) >= 4*maxExamples {
			c.trim(maxExamples)
		}
	}
}

// trim keeps the max earliest candidates.
func (c *uniqueCheck) trim(max int) {
	slices.SortFunc(c.cand, func(a, b candidate) int { return cmp.Compare(a.pos, b.pos) })
	c.cand = c.cand[:min(max, len(c.cand))]
	if len(c.cand) == max {
		c.worst = c.cand[max-1].pos
	}
}

// hashes returns one hash per row and, for a single column, which rows are
// non-null (nil when all are).
func (c *uniqueCheck) hashes(rec arrow.Record) ([]uint64, []bool) {
	n := int(rec.NumRows())
	keys := make([]uint64, n)
	if !c.rows {
		arr := rec.Column(c.cols[0])
		get := valueHash(arr)
		var valid []bool
		if arr.NullN() > 0 {
			valid = make([]bool, n)
		}
		for i := range n {
			if valid != nil {
				if valid[i] = arr.IsValid(i); !valid[i] {
					continue
				}
			}
			keys[i] = get(i)
		}
		return keys, valid
	}
	gets := make([]func(int) uint64, len(c.cols))
	for j, col := range c.cols {
		gets[j] = hashAt(rec.Column(col))
	}
	buf := make([]byte, 8*len(gets))
	for i := range n {
		for j, g := range gets {
			binary.LittleEndian.PutUint64(buf[8*j:], g(i))
		}
		keys[i] = xxh3.Hash(buf)
	}
	return keys, nil
}

func (c *uniqueCheck) finish(offsets []int64, maxExamples int) checkState {
	if c.over {
		return checkState{incomplete: fmt.Sprintf("not checked: more than %s distinct values, over the memory cap (raise it with --max-keys)", numfmt.Count(int64(c.maxKeys)))}
	}
	c.trim(maxExamples)
	st := checkState{failing: c.failing, total: c.total, partFailing: make([]int64, len(offsets))}
	for part, n := range c.perPart {
		st.partFailing[part] = n
	}
	for _, cd := range c.cand {
		st.example(unpackRow(cd.pos, offsets), cd.value)
	}
	return st
}
