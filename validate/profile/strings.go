package profile

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/stats"
)

// Lengths accumulates byte lengths of string and binary values.
type Lengths struct {
	Count int64 `json:"count"`
	Min   int64 `json:"min"`
	Max   int64 `json:"max"`
	Sum   int64 `json:"sum"`
}

// Mean returns the mean length, or 0 when empty.
func (l *Lengths) Mean() float64 {
	if l.Count == 0 {
		return 0
	}
	return float64(l.Sum) / float64(l.Count)
}

// add records w values of length n.
func (l *Lengths) add(n, w int64) {
	if l.Count == 0 {
		l.Min, l.Max = n, n
	} else {
		l.Min, l.Max = min(l.Min, n), max(l.Max, n)
	}
	l.Count += w
	l.Sum += n * w
}

// Merge adds o to l.
func (l *Lengths) Merge(o *Lengths) {
	if o.Count == 0 {
		return
	}
	if l.Count == 0 {
		*l = *o
		return
	}
	l.Min, l.Max = min(l.Min, o.Min), max(l.Max, o.Max)
	l.Count += o.Count
	l.Sum += o.Sum
}

// varBytes reads the values of a variable- or fixed-width binary array
// without copying.
type varBytes struct {
	data   []byte
	off32  []int32
	off64  []int64
	width  int
	bm     []byte
	bmOff  int
	length int
}

func newVarBytes(arr arrow.Array) (varBytes, error) {
	v := varBytes{length: arr.Len()}
	v.bm, v.bmOff = validity(arr)
	if bufs := arr.Data().Buffers(); len(bufs) > 2 && bufs[2] != nil {
		v.data = bufs[2].Bytes()
	}
	switch a := arr.(type) {
	case *array.String:
		v.off32 = a.ValueOffsets()
	case *array.Binary:
		v.off32 = a.ValueOffsets()
	case *array.LargeString:
		v.off64 = a.ValueOffsets()
	case *array.LargeBinary:
		v.off64 = a.ValueOffsets()
	case *array.FixedSizeBinary:
		v.width = a.DataType().(*arrow.FixedSizeBinaryType).ByteWidth
		if bufs := arr.Data().Buffers(); len(bufs) > 1 && bufs[1] != nil {
			v.data = bufs[1].Bytes()[arr.Data().Offset()*v.width:]
		}
	default:
		return v, fmt.Errorf("validate: unsupported binary array %T: %w", arr, ErrUnsupported)
	}
	return v, nil
}

// at returns value i (valid only while the array is alive).
func (v *varBytes) at(i int) []byte {
	switch {
	case v.off32 != nil:
		return v.data[v.off32[i]:v.off32[i+1]]
	case v.off64 != nil:
		return v.data[v.off64[i]:v.off64[i+1]]
	default:
		return v.data[i*v.width : (i+1)*v.width]
	}
}

// addBytesArray accumulates a string or binary array.
func (c *Column) addBytesArray(arr arrow.Array) error {
	v, err := newVarBytes(arr)
	if err != nil {
		return fmt.Errorf("validate: column %q: %w", c.Name, err)
	}
	for s := 0; s < v.length; s += chunkLen {
		if err := c.bytesChunk(&v, s, min(s+chunkLen, v.length)); err != nil {
			return err
		}
	}
	return nil
}

// bytesChunk counts values s..e-1: lengths, top-k, distinct.
func (c *Column) bytesChunk(v *varBytes, s, e int) error {
	keys := c.keys[:0]
	t, l := c.TopK, c.Lengths
	lmin, lmax, lsum := int64(1<<62), int64(-1), int64(0)
	for i := s; i < e; i++ {
		if v.bm != nil && !isValid(v.bm, v.bmOff, i) {
			continue
		}
		b := v.at(i)
		n := int64(len(b))
		lmin, lmax, lsum = min(lmin, n), max(lmax, n), lsum+n
		keys = append(keys, stats.HashBytes(b))
	}
	c.keys = keys
	if len(keys) == 0 {
		return nil
	}
	// Hash the chunk first, then count: the index's cache misses overlap
	// (Prefetch) instead of waiting one after the other.
	t.Prefetch(keys)
	// Once HyperLogLog counts the distinct values, it has seen every key
	// the summary holds (it was seeded with them): only the keys new to
	// the summary need inserting, the same registers for less work.
	sketched := c.Distinct.Materialized() && !t.Dropped
	fresh := c.fresh[:0]
	j := 0
	for i := s; i < e; i++ {
		if v.bm != nil && !isValid(v.bm, v.bmOff, i) {
			continue
		}
		if t.CountBytes(keys[j], v.at(i), 1) && sketched {
			fresh = append(fresh, keys[j])
		}
		j++
	}
	c.fresh = fresh
	l.Merge(&Lengths{Count: int64(len(keys)), Min: lmin, Max: lmax, Sum: lsum})
	if sketched {
		c.Distinct.InsertKeys(fresh)
		return c.settle(true)
	}
	return c.countKeys(keys, true)
}

// addDictionary counts dictionary indices, then each used dictionary value
// once with its weight: the per-row cost is one increment.
func (c *Column) addDictionary(d *array.Dictionary) error {
	dict := d.Dictionary()
	counts := c.dictCounts[:0]
	counts = append(counts, make([]int64, dict.Len())...)
	c.dictCounts = counts
	bm, off := validity(d)
	if err := countIndices(counts, d.Indices(), bm, off); err != nil {
		return fmt.Errorf("validate: column %q: %w", c.Name, err)
	}
	v, err := newVarBytes(dict)
	if err != nil {
		return fmt.Errorf("validate: column %q: dictionary: %w", c.Name, err)
	}
	keys := c.keys[:0]
	for j, n := range counts {
		if n == 0 {
			continue
		}
		if v.bm != nil && !isValid(v.bm, v.bmOff, j) {
			c.Count -= n // a valid index to a null dictionary entry
			c.Nulls += n
			continue
		}
		b := v.at(j)
		k := stats.HashBytes(b)
		c.Lengths.add(int64(len(b)), n)
		c.TopK.AddBytes(k, b, n)
		keys = append(keys, k)
	}
	c.keys = keys
	return c.countKeys(keys, true)
}

// countIndices adds one to counts[idx] for every valid index.
func countIndices(counts []int64, idx arrow.Array, bm []byte, off int) error {
	switch a := idx.(type) {
	case *array.Int8:
		return countIdx(counts, a.Int8Values(), bm, off)
	case *array.Int16:
		return countIdx(counts, a.Int16Values(), bm, off)
	case *array.Int32:
		return countIdx(counts, a.Int32Values(), bm, off)
	case *array.Int64:
		return countIdx(counts, a.Int64Values(), bm, off)
	case *array.Uint8:
		return countIdx(counts, a.Uint8Values(), bm, off)
	case *array.Uint16:
		return countIdx(counts, a.Uint16Values(), bm, off)
	case *array.Uint32:
		return countIdx(counts, a.Uint32Values(), bm, off)
	case *array.Uint64:
		return countIdx(counts, a.Uint64Values(), bm, off)
	}
	return fmt.Errorf("dictionary indices %T: %w", idx, ErrUnsupported)
}

func countIdx[T integer](counts []int64, idx []T, bm []byte, off int) error {
	n := uint64(len(counts))
	for i, x := range idx {
		if bm != nil && !isValid(bm, off, i) {
			continue
		}
		if uint64(x) >= n {
			return fmt.Errorf("dictionary index %d out of range [0,%d): %w", uint64(x), n, ErrCorrupt)
		}
		counts[x]++
	}
	return nil
}
