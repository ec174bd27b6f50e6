package ingest

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
)

// widen returns the type that values of both a and b convert into without
// loss, and whether there is one: integers to the wider integer, unsigned
// into a wider signed type, small integers and floats to float64, strings
// and binaries to their large forms, timestamps of one zone to the finer
// unit, decimals of one scale to the larger precision.
func widen(a, b arrow.DataType) (arrow.DataType, bool) {
	if arrow.TypeEqual(a, b) {
		return a, true
	}
	if a.ID() == arrow.NULL {
		return b, true
	}
	if b.ID() == arrow.NULL {
		return a, true
	}
	if t, ok := widenNumeric(a, b); ok {
		return t, true
	}
	return widenOther(a, b)
}

// intBits is the width of an integer type and whether it is signed; 0 for
// other types.
func intBits(t arrow.DataType) (bits int, signed bool) {
	switch t.ID() {
	case arrow.INT8:
		return 8, true
	case arrow.INT16:
		return 16, true
	case arrow.INT32:
		return 32, true
	case arrow.INT64:
		return 64, true
	case arrow.UINT8:
		return 8, false
	case arrow.UINT16:
		return 16, false
	case arrow.UINT32:
		return 32, false
	case arrow.UINT64:
		return 64, false
	}
	return 0, false
}

func floatBits(t arrow.DataType) int {
	switch t.ID() {
	case arrow.FLOAT16:
		return 16
	case arrow.FLOAT32:
		return 32
	case arrow.FLOAT64:
		return 64
	}
	return 0
}

func widenNumeric(a, b arrow.DataType) (arrow.DataType, bool) {
	ab, as := intBits(a)
	bb, bs := intBits(b)
	af, bf := floatBits(a), floatBits(b)
	switch {
	case ab > 0 && bb > 0:
		return widenInts(ab, as, bb, bs)
	case af > 0 && bf > 0:
		return floatType(max(af, bf)), true
	case ab > 0 && bf > 0 && ab <= 32, bb > 0 && af > 0 && bb <= 32:
		return arrow.PrimitiveTypes.Float64, true
	}
	return nil, false
}

func widenInts(ab int, as bool, bb int, bs bool) (arrow.DataType, bool) {
	if as == bs {
		return intType(max(ab, bb), as), true
	}
	if !as { // make a the signed one
		ab, bb = bb, ab
	}
	// a signed of ab bits, b unsigned of bb bits
	need := max(ab, 2*bb)
	if need > 64 {
		return nil, false
	}
	return intType(need, true), true
}

func intType(bits int, signed bool) arrow.DataType {
	types := map[int][2]arrow.DataType{
		8:  {arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Int8},
		16: {arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Int16},
		32: {arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Int32},
		64: {arrow.PrimitiveTypes.Uint64, arrow.PrimitiveTypes.Int64},
	}
	if signed {
		return types[bits][1]
	}
	return types[bits][0]
}

func floatType(bits int) arrow.DataType {
	switch bits {
	case 16:
		return arrow.FixedWidthTypes.Float16
	case 32:
		return arrow.PrimitiveTypes.Float32
	}
	return arrow.PrimitiveTypes.Float64
}

func widenOther(a, b arrow.DataType) (arrow.DataType, bool) {
	pair := func(x, y arrow.Type) bool {
		return a.ID() == x && b.ID() == y || a.ID() == y && b.ID() == x
	}
	switch {
	case pair(arrow.STRING, arrow.LARGE_STRING):
		return arrow.BinaryTypes.LargeString, true
	case pair(arrow.BINARY, arrow.LARGE_BINARY):
		return arrow.BinaryTypes.LargeBinary, true
	case a.ID() == arrow.TIMESTAMP && b.ID() == arrow.TIMESTAMP:
		ta, tb := a.(*arrow.TimestampType), b.(*arrow.TimestampType)
		if ta.TimeZone != tb.TimeZone {
			return nil, false
		}
		return &arrow.TimestampType{Unit: max(ta.Unit, tb.Unit), TimeZone: ta.TimeZone}, true
	case a.ID() == arrow.DECIMAL128 && b.ID() == arrow.DECIMAL128:
		da, db := a.(*arrow.Decimal128Type), b.(*arrow.Decimal128Type)
		if da.Scale != db.Scale {
			return nil, false
		}
		return &arrow.Decimal128Type{Precision: max(da.Precision, db.Precision), Scale: da.Scale}, true
	}
	return nil, false
}

// partitionType is int64 when every non-null value of a partition key is an
// integer, else string.
func partitionType(values []Partition) arrow.DataType {
	for _, p := range values {
		if p.Null {
			continue
		}
		if _, err := strconv.ParseInt(p.Value, 10, 64); err != nil {
			return arrow.BinaryTypes.String
		}
	}
	return arrow.PrimitiveTypes.Int64
}

// incompatible is the error for a column whose types in two files do not
// widen into one.
func incompatible(col, fileA string, a arrow.DataType, fileB string, b arrow.DataType) error {
	return fmt.Errorf("%w: column %q is %s in %s but %s in %s", ErrInvalidInput, col, a, fileA, b, fileB)
}
