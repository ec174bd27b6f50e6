package rowtext

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// appendValue appends the text of row i of arr, which must not be null.
// It reports whether the value is a string in JSON terms (to be quoted).
func appendValue(buf []byte, arr arrow.Array, i int) ([]byte, bool) {
	switch a := arr.(type) {
	case *array.Boolean:
		return strconv.AppendBool(buf, a.Value(i)), false
	case *array.Int8:
		return strconv.AppendInt(buf, int64(a.Value(i)), 10), false
	case *array.Int16:
		return strconv.AppendInt(buf, int64(a.Value(i)), 10), false
	case *array.Int32:
		return strconv.AppendInt(buf, int64(a.Value(i)), 10), false
	case *array.Int64:
		return strconv.AppendInt(buf, a.Value(i), 10), false
	case *array.Uint8:
		return strconv.AppendUint(buf, uint64(a.Value(i)), 10), false
	case *array.Uint16:
		return strconv.AppendUint(buf, uint64(a.Value(i)), 10), false
	case *array.Uint32:
		return strconv.AppendUint(buf, uint64(a.Value(i)), 10), false
	case *array.Uint64:
		return strconv.AppendUint(buf, a.Value(i), 10), false
	case *array.Float16:
		return appendFloat(buf, float64(a.Value(i).Float32()), 32)
	case *array.Float32:
		return appendFloat(buf, float64(a.Value(i)), 32)
	case *array.Float64:
		return appendFloat(buf, a.Value(i), 64)
	case *array.String:
		return append(buf, a.Value(i)...), true
	case *array.LargeString:
		return append(buf, a.Value(i)...), true
	case *array.Binary:
		return hex.AppendEncode(buf, a.Value(i)), true
	case *array.LargeBinary:
		return hex.AppendEncode(buf, a.Value(i)), true
	case *array.FixedSizeBinary:
		return hex.AppendEncode(buf, a.Value(i)), true
	case *array.Decimal128:
		t := a.DataType().(*arrow.Decimal128Type)
		return append(buf, a.Value(i).ToString(t.Scale)...), false
	case *array.Decimal256:
		t := a.DataType().(*arrow.Decimal256Type)
		return append(buf, a.Value(i).ToString(t.Scale)...), false
	case *array.Date32:
		return a.Value(i).ToTime().AppendFormat(buf, time.DateOnly), true
	case *array.Date64:
		return a.Value(i).ToTime().AppendFormat(buf, time.DateOnly), true
	case *array.Timestamp:
		return appendTimestamp(buf, a, i), true
	case *array.Dictionary:
		return appendValue(buf, a.Dictionary(), a.GetValueIndex(i))
	}
	return appendOther(buf, arr, i)
}

// appendFloat writes the shortest text that reads back as the same value.
// NaN and infinities are strings in JSON terms.
func appendFloat(buf []byte, v float64, bits int) ([]byte, bool) {
	special := math.IsNaN(v) || math.IsInf(v, 0)
	return strconv.AppendFloat(buf, v, 'g', -1, bits), special
}

// appendTimestamp writes RFC 3339 with as many fraction digits as needed: a
// "Z" for UTC, the offset for other zones, and no offset for naive
// (wall-clock) timestamps, which have no zone to state.
func appendTimestamp(buf []byte, a *array.Timestamp, i int) []byte {
	t := a.DataType().(*arrow.TimestampType)
	v := a.Value(i).ToTime(t.Unit)
	switch t.TimeZone {
	case "":
		return v.AppendFormat(buf, "2006-01-02T15:04:05.999999999")
	case "UTC", "Etc/UTC", "Z", "+00:00":
		return v.AppendFormat(buf, time.RFC3339Nano)
	}
	if loc, err := t.GetZone(); err == nil && loc != nil {
		v = v.In(loc)
	}
	return v.AppendFormat(buf, time.RFC3339Nano)
}

// appendOther covers times, durations, intervals and nested types through
// arrow's own rendering.
func appendOther(buf []byte, arr arrow.Array, i int) ([]byte, bool) {
	switch arr.DataType().ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.STRUCT, arrow.MAP, arrow.LIST_VIEW, arrow.LARGE_LIST_VIEW:
		b, err := json.Marshal(arr.GetOneForMarshal(i))
		if err == nil {
			return append(buf, b...), false
		}
	}
	return append(buf, arr.ValueStr(i)...), true
}
