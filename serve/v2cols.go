package serve

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// A decoder holds the buffers of one JSON request: the parsed request,
// its values and one set of column buffers per model column, with the
// arrow arrays over them. Decoders are pooled, so a request in the
// steady state allocates nothing to decode.
type decoder struct {
	req  rawRequest
	vals []value
	bufs []colBuffers
	arrs []arrow.Array
	rec  colRecord
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// maxPooled is the most elements a pooled buffer keeps; a larger request
// leaves its buffers to the garbage collector.
const maxPooled = 1 << 16

func getDecoder() *decoder { return decoderPool.Get().(*decoder) }

// put returns d to the pool. Its arrays are not released: each column
// reuses its own arrays (see colBuffers.array).
func (d *decoder) put() {
	d.rec = colRecord{}
	if cap(d.vals) > maxPooled || cap(d.req.inputs) > maxPooled || cap(d.req.shapes) > maxPooled {
		return
	}
	for i := range d.bufs {
		if d.bufs[i].large() {
			return
		}
	}
	decoderPool.Put(d)
}

// grow makes room for n columns.
func (d *decoder) grow(n int) {
	for len(d.bufs) < n {
		d.bufs = append(d.bufs, colBuffers{})
	}
	for len(d.arrs) < n {
		d.arrs = append(d.arrs, nil)
	}
}

// colBuffers are one column's arrow buffers, reused between requests.
type colBuffers struct {
	valid []byte    // validity bitmap, when a row is null
	nulls int       // null rows
	f64   []float64 // numeric values
	i64   []int64   // timestamps
	i32   []int32   // dates, or string offsets
	str   []byte    // string bytes

	mem  [3]memory.Buffer
	list [3]*memory.Buffer

	// The arrow data and arrays over the buffers, made by the first
	// request and reset by the next ones: they belong to the decoder and
	// are never released (their memory is Go's, not an allocator's).
	data *array.Data
	f64s *array.Float64
	tss  *array.Timestamp
	d32s *array.Date32
	strs *array.String
}

func (c *colBuffers) reset() {
	c.valid, c.nulls = c.valid[:0], 0
	c.f64, c.i64, c.i32, c.str = c.f64[:0], c.i64[:0], c.i32[:0], c.str[:0]
}

func (c *colBuffers) large() bool {
	return max(cap(c.valid), cap(c.f64), cap(c.i64), cap(c.i32), cap(c.str)/8) > maxPooled
}

// null marks row i null; the rows before it are valid.
func (c *colBuffers) null(i int) {
	for len(c.valid)*8 <= i {
		c.valid = append(c.valid, 0xff)
	}
	c.valid[i/8] &^= 1 << (i % 8)
	c.nulls++
}

// array makes the arrow array of n rows of type typ over the buffers,
// reusing the column's array of that type.
func (c *colBuffers) array(typ arrow.DataType, n int) arrow.Array {
	// A validity bitmap always, all ones when no row is null: a reset
	// array keeps its previous bitmap when given none.
	for len(c.valid)*8 < n {
		c.valid = append(c.valid, 0xff)
	}
	valid := c.buffer(0, c.valid)
	var bufs []*memory.Buffer
	switch typ.ID() {
	case arrow.FLOAT64:
		bufs = c.buffers(valid, c.buffer(1, bytesOf(c.f64)))
	case arrow.TIMESTAMP:
		bufs = c.buffers(valid, c.buffer(1, bytesOf(c.i64)))
	case arrow.DATE32:
		bufs = c.buffers(valid, c.buffer(1, bytesOf(c.i32)))
	default: // string
		bufs = c.buffers(valid, c.buffer(1, bytesOf(c.i32)), c.buffer(2, c.str))
	}
	if c.data == nil {
		c.data = array.NewData(typ, n, bufs, nil, c.nulls, 0)
	} else {
		c.data.Reset(typ, n, bufs, nil, c.nulls, 0)
	}
	switch typ.ID() {
	case arrow.FLOAT64:
		c.f64s = reset(c.f64s, c.data, array.NewFloat64Data, (*array.Float64).Reset)
		return c.f64s
	case arrow.TIMESTAMP:
		c.tss = reset(c.tss, c.data, array.NewTimestampData, (*array.Timestamp).Reset)
		return c.tss
	case arrow.DATE32:
		c.d32s = reset(c.d32s, c.data, array.NewDate32Data, (*array.Date32).Reset)
		return c.d32s
	}
	if c.strs == nil {
		c.strs = array.NewStringData(c.data)
	} else {
		c.strs.Reset(c.data)
	}
	return c.strs
}

// reset points a at data, making it on first use.
func reset[A any](a *A, data *array.Data, newA func(arrow.ArrayData) *A, resetA func(*A, *array.Data)) *A {
	if a == nil {
		return newA(data)
	}
	resetA(a, data)
	return a
}

func (c *colBuffers) buffer(k int, b []byte) *memory.Buffer {
	c.mem[k].Reset(b)
	return &c.mem[k]
}

func (c *colBuffers) buffers(bs ...*memory.Buffer) []*memory.Buffer {
	n := copy(c.list[:], bs)
	return c.list[:n:n]
}

// bytesOf is the memory of a slice of numbers, as arrow buffers hold it.
func bytesOf[T float64 | int64 | int32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

// colRecord is the record of a decoder's columns. Its arrays belong to
// the decoder: Release and Retain do nothing, and it is valid until the
// decoder is put back.
type colRecord struct {
	schema *arrow.Schema
	cols   []arrow.Array
	rows   int64
}

var _ arrow.Record = (*colRecord)(nil)

func (r *colRecord) Release()                     {}
func (r *colRecord) Retain()                      {}
func (r *colRecord) Schema() *arrow.Schema        { return r.schema }
func (r *colRecord) NumRows() int64               { return r.rows }
func (r *colRecord) NumCols() int64               { return int64(len(r.cols)) }
func (r *colRecord) Columns() []arrow.Array       { return r.cols }
func (r *colRecord) Column(i int) arrow.Array     { return r.cols[i] }
func (r *colRecord) ColumnName(i int) string      { return r.schema.Field(i).Name }
func (r *colRecord) MarshalJSON() ([]byte, error) { return r.record().MarshalJSON() }

// record is r as an ordinary arrow record, which its caller releases.
func (r *colRecord) record() arrow.Record { return array.NewRecord(r.schema, r.cols, r.rows) }

// SetColumn returns an ordinary arrow record with column i replaced.
func (r *colRecord) SetColumn(i int, col arrow.Array) (arrow.Record, error) {
	rec := r.record()
	defer rec.Release()
	return rec.SetColumn(i, col)
}

// NewSlice returns an ordinary arrow record of rows [i, j).
func (r *colRecord) NewSlice(i, j int64) arrow.Record {
	rec := r.record()
	defer rec.Release()
	return rec.NewSlice(i, j)
}

// appendStr appends a string value's contents to b.
func (v value) appendStr(b []byte) []byte {
	body := v.raw[1 : len(v.raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return append(b, body...)
	}
	var s string
	_ = json.Unmarshal(v.raw, &s) // valid JSON: cannot fail
	return append(b, s...)
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat reads a JSON number whose value is m×10^e with m of at most
// 15 digits and |e| ≤ 22: m and 10^|e| are exact float64s, so one
// multiplication or division rounds the result correctly, as
// strconv.ParseFloat would (the same fast path it takes). ok is false
// for other numbers, which the caller gives to strconv.
func parseFloat(s []byte) (f float64, ok bool) {
	i, neg := 0, len(s) > 0 && s[0] == '-'
	if neg {
		i++
	}
	var mant uint64
	digits, exp := 0, 0
	sawDigit := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		sawDigit = true
		if mant == 0 && s[i] == '0' {
			continue
		}
		mant = mant*10 + uint64(s[i]-'0')
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			sawDigit = true
			exp--
			if mant == 0 && s[i] == '0' {
				continue
			}
			mant = mant*10 + uint64(s[i]-'0')
			digits++
			if digits > 15 {
				return 0, false
			}
		}
	}
	if !sawDigit || digits > 15 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := i < len(s) && s[i] == '-'
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		e, start := 0, i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 4; i++ {
			e = e*10 + int(s[i]-'0')
		}
		if i == start {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != len(s) || exp < -22 || exp > 22 {
		return 0, false
	}
	f = float64(mant)
	if exp < 0 {
		f /= pow10[-exp]
	} else {
		f *= pow10[exp]
	}
	if neg {
		f = -f
	}
	return f, true
}

// parseInt reads a JSON integer of at most 18 digits; ok is false for
// anything else, which the caller gives to strconv.
func parseInt(s []byte) (int64, bool) {
	n, i, ok := plainInt(s, 0)
	return n, ok && i == len(s)
}

// parseCivil reads the plainest forms the timestamp layouts take, as
// time.Parse would read them in UTC: "2006-01-02" and, withTime,
// "2006-01-02T15:04:05", with ' ' for 'T', an optional fraction of 1 to 9
// digits and, after 'T', an optional "Z". ok is false for anything else,
// which the caller gives to time.Parse.
func parseCivil(s []byte, withTime bool) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y, ok1 := digits(s[0:4])
	mo, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) {
		return time.Time{}, false
	}
	if len(s) == 10 {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
	}
	if !withTime || len(s) < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	h, ok1 := digits(s[11:13])
	mi, ok2 := digits(s[14:16])
	sec, ok3 := digits(s[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest, ns := s[19:], 0
	if len(rest) > 0 && rest[0] == '.' {
		k := 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		if k == 1 || k > 10 {
			return time.Time{}, false
		}
		ns, _ = digits(rest[1:k])
		for range 10 - k {
			ns *= 10
		}
		rest = rest[k:]
	}
	if len(rest) == 1 && rest[0] == 'Z' && s[10] == 'T' {
		rest = rest[1:]
	}
	if len(rest) != 0 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC), true
}

// digits reads a run of decimal digits.
func digits(s []byte) (int, bool) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int(m-1)%7%2
}
