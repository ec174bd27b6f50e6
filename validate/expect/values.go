package expect

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/validate/profile"
	"github.com/zeebo/xxh3"
)

// textAt returns a function formatting row i of arr the way profiles format
// values (strings as is, numbers in shortest form, times in RFC 3339),
// "null" for nulls.
func textAt(arr arrow.Array) func(i int) string {
	get := valueText(arr)
	return func(i int) string {
		if arr.IsNull(i) {
			return "null"
		}
		return get(i)
	}
}

func valueText(arr arrow.Array) func(i int) string {
	switch a := arr.(type) {
	case *array.String:
		return a.Value
	case *array.LargeString:
		return a.Value
	case *array.Binary:
		return func(i int) string { return bytesText(a.Value(i)) }
	case *array.LargeBinary:
		return func(i int) string { return bytesText(a.Value(i)) }
	case *array.Boolean:
		return func(i int) string { return strconv.FormatBool(a.Value(i)) }
	case *array.Dictionary:
		get := valueText(a.Dictionary())
		return func(i int) string { return get(a.GetValueIndex(i)) }
	case *array.Float16, *array.Float32, *array.Float64, *array.Decimal128:
		num := numAt(arr)
		return func(i int) string { return strconv.FormatFloat(num(i), 'g', -1, 64) }
	case *array.Uint64:
		return func(i int) string { return strconv.FormatUint(a.Value(i), 10) }
	}
	if profile.KindOf(arr.DataType()) == profile.KindTemporal {
		num, c := numAt(arr), profile.Column{Type: arr.DataType()}
		return func(i int) string { return c.TimeOf(int64(num(i))).Format(time.RFC3339Nano) }
	}
	if num := numAt(arr); num != nil {
		return func(i int) string { return strconv.FormatInt(int64(num(i)), 10) }
	}
	return arr.ValueStr
}

func bytesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strconv.Quote(string(b))
}

type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

func numsOf[T number](v []T) func(int) float64 {
	return func(i int) float64 { return float64(v[i]) }
}

// numAt returns a function giving row i of a number or time array as
// float64 (times as their raw value), or nil for other types. Nulls give
// whatever the value buffer holds.
func numAt(arr arrow.Array) func(i int) float64 {
	switch a := arr.(type) {
	case *array.Int8:
		return numsOf(a.Int8Values())
	case *array.Int16:
		return numsOf(a.Int16Values())
	case *array.Int32:
		return numsOf(a.Int32Values())
	case *array.Int64:
		return numsOf(a.Int64Values())
	case *array.Uint8:
		return numsOf(a.Uint8Values())
	case *array.Uint16:
		return numsOf(a.Uint16Values())
	case *array.Uint32:
		return numsOf(a.Uint32Values())
	case *array.Uint64:
		return numsOf(a.Uint64Values())
	case *array.Float32:
		return numsOf(a.Float32Values())
	case *array.Float64:
		return numsOf(a.Float64Values())
	case *array.Float16:
		return func(i int) float64 { return float64(a.Value(i).Float32()) }
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) float64 { return a.Value(i).ToFloat64(scale) }
	}
	return temporalAt(arr)
}

func temporalAt(arr arrow.Array) func(i int) float64 {
	switch a := arr.(type) {
	case *array.Timestamp:
		return numsOf(a.TimestampValues())
	case *array.Date32:
		return numsOf(a.Date32Values())
	case *array.Date64:
		return numsOf(a.Date64Values())
	case *array.Time32:
		return numsOf(a.Time32Values())
	case *array.Time64:
		return numsOf(a.Time64Values())
	case *array.Duration:
		return numsOf(a.DurationValues())
	}
	return nil
}

// nullHash stands for a null in row hashes.
const nullHash = 0x6e756c6c6e756c6c

// hashAt returns a function giving the xxh3 64-bit hash of row i's value:
// of the bytes for strings and binaries (dictionary values by their
// bytes, not their index), of the 8 little-endian bytes of the value
// (float64 bits for floats, raw int64 for times) otherwise. Nulls hash to
// nullHash.
func hashAt(arr arrow.Array) func(i int) uint64 {
	get := valueHash(arr)
	return func(i int) uint64 {
		if arr.IsNull(i) {
			return nullHash
		}
		return get(i)
	}
}

func valueHash(arr arrow.Array) func(i int) uint64 {
	switch a := arr.(type) {
	case *array.String:
		return func(i int) uint64 { return xxh3.HashString(a.Value(i)) }
	case *array.LargeString:
		return func(i int) uint64 { return xxh3.HashString(a.Value(i)) }
	case *array.Binary:
		return func(i int) uint64 { return xxh3.Hash(a.Value(i)) }
	case *array.LargeBinary:
		return func(i int) uint64 { return xxh3.Hash(a.Value(i)) }
	case *array.Boolean:
		return func(i int) uint64 { return hash64(uint64(b2i(a.Value(i)))) }
	case *array.Dictionary:
		return dictHash(a)
	case *array.Int64:
		return func(i int) uint64 { return hash64(uint64(a.Value(i))) }
	case *array.Uint64:
		return func(i int) uint64 { return hash64(a.Value(i)) }
	case *array.Timestamp:
		return func(i int) uint64 { return hash64(uint64(a.Value(i))) }
	}
	if num := numAt(arr); num != nil {
		if k := profile.KindOf(arr.DataType()); k == profile.KindFloat {
			return func(i int) uint64 { return hash64(math.Float64bits(num(i))) }
		}
		return func(i int) uint64 { return hash64(uint64(int64(num(i)))) }
	}
	return func(i int) uint64 { return xxh3.HashString(arr.ValueStr(i)) }
}

// dictHash hashes each dictionary value once.
func dictHash(a *array.Dictionary) func(i int) uint64 {
	dict := a.Dictionary()
	get := valueHash(dict)
	hashes := make([]uint64, dict.Len())
	for j := range hashes {
		hashes[j] = nullHash
		if dict.IsValid(j) {
			hashes[j] = get(j)
		}
	}
	return func(i int) uint64 { return hashes[a.GetValueIndex(i)] }
}

func hash64(v uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return xxh3.Hash(b[:])
}

// b2i is 1 for true, compiled without a branch.
func b2i(b bool) int64 {
	var i int64
	if b {
		i = 1
	}
	return i
}
