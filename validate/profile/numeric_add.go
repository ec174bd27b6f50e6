package profile

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/float16"
	"github.com/refit-ml/refit/stats"
)

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

type float interface{ ~float32 | ~float64 }

// addIntArray handles integer and temporal arrays.
func (c *Column) addIntArray(arr arrow.Array) error {
	switch a := arr.(type) {
	case *array.Int8:
		return addInts(c, a.Int8Values(), arr)
	case *array.Int16:
		return addInts(c, a.Int16Values(), arr)
	case *array.Int32:
		return addInts(c, a.Int32Values(), arr)
	case *array.Int64:
		return addInts(c, a.Int64Values(), arr)
	case *array.Uint8:
		return addInts(c, a.Uint8Values(), arr)
	case *array.Uint16:
		return addInts(c, a.Uint16Values(), arr)
	case *array.Uint32:
		return addInts(c, a.Uint32Values(), arr)
	case *array.Uint64:
		return addInts(c, a.Uint64Values(), arr)
	case *array.Date32:
		return addInts(c, a.Date32Values(), arr)
	case *array.Date64:
		return addInts(c, a.Date64Values(), arr)
	case *array.Time32:
		return addInts(c, a.Time32Values(), arr)
	case *array.Time64:
		return addInts(c, a.Time64Values(), arr)
	case *array.Timestamp:
		return addInts(c, a.TimestampValues(), arr)
	case *array.Duration:
		return addInts(c, a.DurationValues(), arr)
	}
	return fmt.Errorf("validate: column %q: unsupported array %T: %w", c.Name, arr, ErrUnsupported)
}

// addInts accumulates integer values chunk by chunk.
func addInts[T integer](c *Column, vals []T, arr arrow.Array) error {
	bm, off := validity(arr)
	for s := 0; s < len(vals); s += chunkLen {
		e := min(s+chunkLen, len(vals))
		if err := intChunk(c, vals[s:e], bm, off+s); err != nil {
			return err
		}
	}
	return nil
}

// intChunk converts one chunk to float64 values and integer keys, tracking
// the exact integer range, then feeds every accumulator.
func intChunk[T integer](c *Column, v []T, bm []byte, off int) error {
	buf, keys := c.buf[:0], c.keys[:0]
	var lo, hi T
	first := true
	for i, x := range v {
		if bm != nil && !isValid(bm, off, i) {
			continue
		}
		if first {
			lo, hi, first = x, x, false
		}
		lo, hi = min(lo, x), max(hi, x)
		buf = append(buf, float64(x))
		keys = append(keys, uint64(int64(x)))
	}
	c.buf, c.keys = buf, keys
	if len(buf) == 0 {
		return nil
	}
	c.updateIntRange(int64(lo), int64(hi))
	c.addFinite(buf)
	base := uint64(int64(lo))
	if span := uint64(int64(hi)) - base; span < denseSpan && !c.TopK.Dropped {
		return c.countDense(keys, base, int(span)+1)
	}
	return c.countKeys(keys, false)
}

// denseSpan is the widest integer range of a chunk counted in an array
// instead of the hash map.
const denseSpan = 2 * chunkLen

// countDense counts keys within [base, base+span) in an array, then feeds
// each distinct key once, with its count, to TopK and Distinct: about one
// increment per value for small-range integers (codes, dates, delays).
func (c *Column) countDense(keys []uint64, base uint64, span int) error {
	dense := c.dense[:0]
	dense = append(dense, make([]int32, span)...)
	for _, k := range keys {
		dense[k-base]++
	}
	uniq := keys[:0] // keys is scratch: reuse it for the distinct keys
	t := c.TopK
	for i, n := range dense {
		if n != 0 {
			k := base + uint64(i)
			t.AddWeighted(k, int64(n))
			uniq = append(uniq, k)
		}
	}
	c.dense = dense
	if d := c.Distinct; d.Materialized() {
		d.InsertKeys(uniq)
	}
	return c.settle(false)
}

func (c *Column) updateIntRange(lo, hi int64) {
	r := c.IntRange
	if r == nil {
		return
	}
	if c.Moments.Count == 0 {
		r.Min, r.Max = lo, hi
		return
	}
	r.Min, r.Max = min(r.Min, lo), max(r.Max, hi)
}

// addFloatArray handles float16/32/64 and decimal128 arrays.
func (c *Column) addFloatArray(arr arrow.Array) error {
	bm, off := validity(arr)
	switch a := arr.(type) {
	case *array.Float32:
		return addFloats(c, a.Float32Values(), bm, off)
	case *array.Float64:
		return addFloats(c, a.Float64Values(), bm, off)
	case *array.Float16:
		return addConverted(c, a.Values(), bm, off, func(x float16.Num) float64 { return float64(x.Float32()) })
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return addConverted(c, a.Values(), bm, off, func(x decimal128.Num) float64 { return x.ToFloat64(scale) })
	}
	return fmt.Errorf("validate: column %q: unsupported array %T: %w", c.Name, arr, ErrUnsupported)
}

func addFloats[T float](c *Column, vals []T, bm []byte, off int) error {
	for s := 0; s < len(vals); s += chunkLen {
		e := min(s+chunkLen, len(vals))
		if err := floatChunk(c, vals[s:e], bm, off+s); err != nil {
			return err
		}
	}
	return nil
}

// addConverted converts values of an uncommon type to float64 first.
func addConverted[T any](c *Column, vals []T, bm []byte, off int, conv func(T) float64) error {
	tmp := make([]float64, 0, min(len(vals), chunkLen))
	for s := 0; s < len(vals); s += chunkLen {
		e := min(s+chunkLen, len(vals))
		tmp = tmp[:0]
		for _, x := range vals[s:e] {
			tmp = append(tmp, conv(x))
		}
		if err := floatChunk(c, tmp, bm, off+s); err != nil {
			return err
		}
	}
	return nil
}

// floatChunk filters NaN and ±Inf (counted in Moments), normalizes -0 to 0
// and feeds every accumulator.
func floatChunk[T float](c *Column, v []T, bm []byte, off int) error {
	buf, keys := c.buf[:0], c.keys[:0]
	m := c.Moments
	for i, x := range v {
		if bm != nil && !isValid(bm, off, i) {
			continue
		}
		f := float64(x)
		if f-f != 0 {
			m.AddNonFinite(f)
			continue
		}
		if f == 0 {
			f = 0
		}
		buf = append(buf, f)
		keys = append(keys, math.Float64bits(f))
	}
	c.buf, c.keys = buf, keys
	if len(buf) == 0 {
		return nil
	}
	c.addFinite(buf)
	return c.countKeys(keys, false)
}

// addBools counts true and false values (keys 1 and 0).
func (c *Column) addBools(a *array.Boolean) {
	n := a.Len() - a.NullN()
	data := a.Data()
	values := data.Buffers()[1].Bytes()
	var trues int
	if a.NullN() == 0 {
		trues = bitutil.CountSetBits(values, data.Offset(), a.Len())
	} else {
		bm, off := validity(a)
		for i := range a.Len() {
			if isValid(bm, off, i) && bitutil.BitIsSet(values, off+i) {
				trues++
			}
		}
	}
	t := c.TopK
	t.AddWeighted(1, int64(trues))
	t.AddWeighted(0, int64(n-trues))
}

// addFinite feeds a chunk of finite values to Moments and Quantiles, which
// share the chunk's range.
func (c *Column) addFinite(buf []float64) {
	b := stats.MomentsOf(buf)
	c.Moments.Merge(&b)
	c.Quantiles.UpdateRange(buf, b.Min, b.Max)
}
