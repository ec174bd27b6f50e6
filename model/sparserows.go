package model

import (
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// SparseRows are feature rows in a fixed-width sparse form: each row has
// Width (feature index, value) pairs, its slots, at Idx[r*Width:] and
// Val[r*Width:]; every feature not named by a slot is 0. A row's indexes
// are strictly ascending, so a sum over its slots in order adds the same
// products in the same order as a sum over the dense row that skips its
// zeros. A one-hot group (a categorical column, an hour of day) takes
// one slot whatever its width; a group with no feature set (an unseen
// hour) keeps its slot, pointing at the group's first feature with value
// 0.
//
// Preprocessor.TransformSparse writes them; the caller owns the slices.
type SparseRows struct {
	Idx   []int32
	Val   []float32
	Rows  int
	Width int

	dict []int32 // TransformSparse's scratch: features of dictionary values
	// the column positions of the last record's schema, for the
	// preprocessing that looked them up (a pointer compare per call
	// instead of a name lookup per column)
	schema *arrow.Schema
	pre    *Preprocessor
	cols   []int
}

// columnOf returns the record's array of p's column i, reusing the
// positions found for the same schema and preprocessing last time.
func (s *SparseRows) columnOf(p *Preprocessor, rec arrow.Record, i int) (arrow.Array, error) {
	if sc := rec.Schema(); s.schema != sc || s.pre != p {
		s.cols = s.cols[:0]
		for j := range p.cols {
			idx := sc.FieldIndices(p.cols[j].Name)
			if len(idx) != 1 {
				s.schema = nil
				return p.column(rec, j) // the error
			}
			s.cols = append(s.cols, idx[0])
		}
		s.schema, s.pre = sc, p
	}
	return rec.Column(s.cols[i]), nil
}

// row returns the slots of row r.
func (s *SparseRows) row(r int) ([]int32, []float32) {
	lo, hi := r*s.Width, (r+1)*s.Width
	return s.Idx[lo:hi:hi], s.Val[lo:hi:hi]
}

// Dense writes the rows as a row-major rows×width matrix into dst, grown
// if needed, and returns dst[:rows*width]. It is Transform's output for
// the same rows.
func (s *SparseRows) Dense(width int, dst []float32) []float32 {
	n := s.Rows * width
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	clear(dst)
	for r := range s.Rows {
		idx, val := s.row(r)
		for j, k := range idx {
			if val[j] != 0 {
				dst[r*width+int(k)] = val[j]
			}
		}
	}
	return dst
}

// slotCount is the number of slots of a column's features.
func (c *Column) slotCount() int {
	n := 0
	switch c.Kind {
	case KindNumeric:
		n = 1
	case KindCategorical:
		return 1
	case KindTime, KindDate:
		if c.Calendar == nil {
			n = c.timeWidth()
		} else {
			n = 1 // weekday
			if c.Kind == KindTime {
				n++
			}
			if c.Calendar.Month {
				n++
			}
		}
	}
	if c.MissingIndicator {
		n++
	}
	return n
}

// SparseWidth is the number of slots TransformSparse writes per row.
func (p *Preprocessor) SparseWidth() int { return p.slots }

// TransformSparse writes the features of rows [lo, hi) of rec into dst in
// sparse form (see SparseRows), growing its slices if needed, and returns
// it. The features are exactly TransformRows's: SparseRows.Dense gives
// the same matrix. rec is only read during the call.
func (p *Preprocessor) TransformSparse(rec arrow.Record, lo, hi int, dst SparseRows) (SparseRows, error) {
	if lo < 0 || hi < lo || int64(hi) > rec.NumRows() {
		return dst, fmt.Errorf("model: transform: %w: rows [%d, %d) of %d", ErrInvalidInput, lo, hi, rec.NumRows())
	}
	n := (hi - lo) * p.slots
	if cap(dst.Idx) < n {
		dst.Idx = make([]int32, n)
	}
	if cap(dst.Val) < n {
		dst.Val = make([]float32, n)
	}
	dst.Idx, dst.Val, dst.Rows, dst.Width = dst.Idx[:n], dst.Val[:n], hi-lo, p.slots
	for i := range p.cols {
		arr, err := dst.columnOf(p, rec, i)
		if err != nil {
			return dst, err
		}
		w := slotWriter{idx: dst.Idx, val: dst.Val, stride: p.slots, slot: p.slotOffs[i], off: int32(p.offsets[i]), lo: lo,
			dict: dst.dict}
		err = p.sparseColumn(i, &w, arr, hi)
		dst.dict = w.dict
		if err != nil {
			return dst, fmt.Errorf("model: transform column %q: %w", p.cols[i].Name, err)
		}
	}
	return dst, nil
}

func (p *Preprocessor) sparseColumn(i int, w *slotWriter, arr arrow.Array, hi int) error {
	c := &p.cols[i]
	switch c.Kind {
	case KindNumeric:
		return w.numeric(c, arr, hi)
	case KindCategorical:
		return w.categorical(p.sidx[i], len(c.Categories), arr, hi)
	case KindTime, KindDate:
		if c.Calendar != nil && c.Kind == KindTime && !c.Calendar.Month && p.fixed[i].ok {
			if a, ok := arr.(*array.Timestamp); ok {
				return w.clock(c, p.fixed[i].offset, p.masks[i], a, hi)
			}
		}
		return w.timeParts(c, p.locs[i], p.masks[i], arr, hi)
	}
	return fmt.Errorf("%w: unknown kind %q", ErrInvalidInput, c.Kind)
}

// slotWriter writes one column's slots into sparse rows.
type slotWriter struct {
	idx    []int32
	val    []float32
	stride int   // slots per row
	slot   int   // first slot of the column
	off    int32 // first feature of the column
	lo     int   // first record row
	dict   []int32
}

// at returns the position of record row i's first slot of the column.
func (w *slotWriter) at(i int) int { return (i-w.lo)*w.stride + w.slot }

// set writes slot j of record row i's column.
func (w *slotWriter) set(i, j int, feature int32, v float32) {
	s := w.at(i) + j
	w.idx[s], w.val[s] = feature, v
}

func (w *slotWriter) numeric(c *Column, arr arrow.Array, hi int) error {
	inv := 1 / c.Std
	imputed := float32((c.Median - c.Mean) * inv)
	return eachNumber(arr, w.lo, hi, func(i int, v float64, ok bool) {
		missing := !ok || math.IsNaN(v) || math.IsInf(v, 0)
		x := imputed
		if !missing {
			x = float32((v - c.Mean) * inv)
		}
		w.set(i, 0, w.off, x)
		if c.MissingIndicator {
			w.set(i, 1, w.off+1, b2f(missing))
		}
	})
}

func (w *slotWriter) categorical(index *strIndex, cats int, arr arrow.Array, hi int) error {
	k := int32(cats)
	switch a := arr.(type) {
	case *array.Dictionary:
		return w.dictionary(index, k, a, hi)
	case *array.String:
		w.strings(index, k, a, hi)
		return nil
	}
	return eachString(arr, w.lo, hi, func(i int, s string, ok bool) {
		f := k + 1
		if ok {
			f = k
			if j, found := index.get(s); found {
				f = j
			}
		}
		w.set(i, 0, w.off+f, 1)
	})
}

// strings is categorical on a plain string array, without a call per
// row: each value's offsets are read directly and short values packed
// with one 8-byte load (strIndex.getBytes).
func (w *slotWriter) strings(index *strIndex, k int32, a *array.String, hi int) {
	offs, data := a.ValueOffsets(), a.ValueBytes() // data starts at offs[0]
	base := int(offs[0])
	nulls := a.NullN() > 0
	for i := w.lo; i < hi; i++ {
		f := k + 1
		if !nulls || a.IsValid(i) {
			f = k
			if j, found := index.getBytes(data, int(offs[i])-base, int(offs[i+1])-base); found {
				f = j
			}
		}
		w.set(i, 0, w.off+f, 1)
	}
}

// dictionary looks every dictionary value up once, then each row by its
// dictionary index.
func (w *slotWriter) dictionary(index *strIndex, k int32, a *array.Dictionary, hi int) error {
	dict := a.Dictionary()
	if cap(w.dict) < dict.Len() {
		w.dict = make([]int32, dict.Len())
	}
	feat := w.dict[:dict.Len()]
	err := eachString(dict, 0, dict.Len(), func(j int, s string, ok bool) {
		feat[j] = k + 1
		if ok {
			feat[j] = k
			if f, found := index.get(s); found {
				feat[j] = f
			}
		}
	})
	if err != nil {
		return err
	}
	for i := w.lo; i < hi; i++ {
		f := k + 1
		if a.IsValid(i) {
			f = feat[a.GetValueIndex(i)]
		}
		w.set(i, 0, w.off+f, 1)
	}
	return nil
}

// timeParts writes the calendar or cyclic slots of a time or date column.
func (w *slotWriter) timeParts(c *Column, loc *time.Location, m calendarMask, arr arrow.Array, hi int) error {
	n := c.slotCount()
	if c.MissingIndicator {
		n--
	}
	var cyc [6]float32
	return eachTime(arr, c, loc, w.lo, hi, func(i int, t time.Time, ok bool) {
		switch {
		case c.Calendar != nil:
			w.calendar(i, t, ok, c.Kind == KindTime, m)
		default:
			clear(cyc[:])
			if ok {
				writeCyclic(cyc[:], t, c.Kind == KindTime)
			}
			for j := range n {
				w.set(i, j, w.off+int32(j), cyc[j])
			}
		}
		if c.MissingIndicator {
			w.set(i, n, w.off+int32(c.timeWidth()), b2f(!ok))
		}
	})
}

// calendar writes the one-hot calendar slots of record row i: hour (time
// columns), weekday, month (if encoded), each pointing at its group's
// first feature with value 0 when the value is missing or unseen.
func (w *slotWriter) calendar(i int, t time.Time, ok, hour bool, m calendarMask) {
	j, f := 0, w.off
	if hour {
		h := t.Hour()
		w.oneHot(i, j, f, h, ok && m.hours&(1<<h) != 0)
		j, f = j+1, f+24
	}
	d := int(t.Weekday())
	w.oneHot(i, j, f, d, ok && m.weekdays&(1<<d) != 0)
	if m.month {
		mo := int(t.Month()) - 1
		w.oneHot(i, j+1, f+7, mo, ok && m.months&(1<<mo) != 0)
	}
}

// oneHot writes slot j as feature group+v with value 1 if set, else as the
// group's first feature with value 0.
func (w *slotWriter) oneHot(i, j int, group int32, v int, set bool) {
	if set {
		w.set(i, j, group+int32(v), 1)
	} else {
		w.set(i, j, group, 0)
	}
}

// clock writes hour and weekday slots of a timestamp column on a fixed
// offset from UTC with integer arithmetic: the same values as
// time.Unix(...).In(loc).Hour() and Weekday().
func (w *slotWriter) clock(c *Column, offset int64, m calendarMask, a *array.Timestamp, hi int) error {
	tt := a.DataType().(*arrow.TimestampType)
	if tt.TimeZone != c.Zone {
		return fmt.Errorf("%w: got %s, fitted on zone %q", ErrInvalidInput, tt, c.Zone)
	}
	_, div := unitScale(tt.Unit)
	vals := a.TimestampValues()[:hi]
	nulls := a.NullN() > 0
	var hr hourCache
	for i := w.lo; i < hi; i++ {
		ok := !nulls || a.IsValid(i)
		h, d := hr.get(int64(vals[i]), div, offset)
		w.oneHot(i, 0, w.off, h, ok && m.hours&(1<<h) != 0)
		w.oneHot(i, 1, w.off+24, d, ok && m.weekdays&(1<<d) != 0)
		if c.MissingIndicator {
			w.set(i, 2, w.off+31, b2f(!ok))
		}
	}
	return nil
}

// hourCache keeps the raw values [lo, hi) of the last row's hour, whose
// hour of day and weekday the next rows reuse: sorted or clustered time
// columns (rows of a few flights an hour) skip the divisions. It starts
// empty (lo > hi).
type hourCache struct {
	lo, hi int64
	h, d   int
}

// get returns the hour of day and weekday (0 Sunday) of the raw value v
// (floorDiv(v, div) seconds, offset seconds east of UTC).
func (c *hourCache) get(v, div, offset int64) (h, d int) {
	if v >= c.lo && v < c.hi {
		return c.h, c.d
	}
	s := toSeconds(v, div)
	secs := s + offset
	days := floorDiv(secs, 86400)
	in := secs - days*86400
	c.h = int(in / 3600)
	c.d = int((days%7 + 11) % 7) // 1970-01-01 was a Thursday (4)
	// The hour starts at s − in%3600 seconds: raw values from its start
	// times div on, unless that overflows (then the cache stays empty).
	const lim = 1 << 61
	if base := s - in%3600; base > -lim/div && base < lim/div-3600 {
		c.lo, c.hi = base*div, (base+3600)*div
	} else {
		c.lo, c.hi = 1, 0
	}
	return c.h, c.d
}

// toSeconds is floorDiv(v, div) for the four time units, each with a
// constant divisor (a multiply instead of a 64-bit division per row; the
// branch goes the same way for a whole column).
func toSeconds(v, div int64) int64 {
	switch div {
	case 1:
		return v
	case 1e3:
		return floorDiv(v, 1e3)
	case 1e6:
		return floorDiv(v, 1e6)
	case 1e9:
		return floorDiv(v, 1e9)
	}
	return floorDiv(v, div)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// fixedZone is a time column's zone when it is a fixed offset from UTC.
type fixedZone struct {
	ok     bool
	offset int64 // seconds east of UTC
}

// fixedOffset reports whether the arrow zone is a fixed offset (naive,
// "UTC", "+hh:mm"), and which.
func fixedOffset(zone string, loc *time.Location) fixedZone {
	if zone == "" || zone == "UTC" {
		return fixedZone{ok: true}
	}
	if zone[0] == '+' || zone[0] == '-' {
		_, off := time.Unix(0, 0).In(loc).Zone()
		return fixedZone{ok: true, offset: int64(off)}
	}
	return fixedZone{}
}
