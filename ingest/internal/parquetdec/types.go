package parquetdec

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// leafConv is how the dense physical values of a leaf become Arrow values.
type leafConv uint8

const (
	cvCopy    leafConv = iota // same bytes: int32/64, uint32/64, floats, dates, times, timestamps, float16, fixed size binary
	cvBool                    // one byte per value to a bitmap
	cvInt8                    // int32 narrowed
	cvInt16                   //
	cvUint8                   //
	cvUint16                  //
	cvInt96                   // INT96 to nanoseconds
	cvDecimal                 // int32, int64 or big-endian bytes to decimal128/256
	cvBytes                   // string or binary
	cvNull                    // NullType: every value null
)

const (
	utcZone   = "UTC"
	naiveZone = ""
)

// leafType maps a primitive schema element to its Arrow type.
func leafType(el *format.SchemaElement) (arrow.DataType, leafConv, error) {
	if lt := el.LogicalType.Value; lt != nil {
		if t, c, ok, err := logicalType(el, lt); ok || err != nil {
			return t, c, err
		}
	}
	if el.ConvertedType.Valid {
		if t, c, ok, err := convertedType(el, el.ConvertedType.V); ok || err != nil {
			return t, c, err
		}
	}
	return physicalType(el)
}

func physicalType(el *format.SchemaElement) (arrow.DataType, leafConv, error) {
	switch el.Type.V {
	case format.Boolean:
		return arrow.FixedWidthTypes.Boolean, cvBool, nil
	case format.Int32:
		return arrow.PrimitiveTypes.Int32, cvCopy, nil
	case format.Int64:
		return arrow.PrimitiveTypes.Int64, cvCopy, nil
	case format.Int96:
		return &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: utcZone}, cvInt96, nil
	case format.Float:
		return arrow.PrimitiveTypes.Float32, cvCopy, nil
	case format.Double:
		return arrow.PrimitiveTypes.Float64, cvCopy, nil
	case format.ByteArray:
		return arrow.BinaryTypes.Binary, cvBytes, nil
	case format.FixedLenByteArray:
		return &arrow.FixedSizeBinaryType{ByteWidth: int(el.TypeLength.V)}, cvCopy, nil
	}
	return nil, 0, fmt.Errorf("%w: physical type %v", base.ErrUnsupported, el.Type.V)
}

func unitOf(u format.TimeUnit) arrow.TimeUnit {
	switch u.Value.(type) {
	case *format.MilliSeconds:
		return arrow.Millisecond
	case *format.NanoSeconds:
		return arrow.Nanosecond
	}
	return arrow.Microsecond
}

// logicalType maps the LogicalType annotation; ok is false when the
// annotation does not decide the type.
func logicalType(el *format.SchemaElement, lt format.LogicalTypeValue) (arrow.DataType, leafConv, bool, error) {
	phys := el.Type.V
	switch t := lt.(type) {
	case *format.StringType, *format.EnumType, *format.JsonType:
		if phys == format.ByteArray {
			return arrow.BinaryTypes.String, cvBytes, true, nil
		}
	case *format.DecimalType:
		return decimalType(el, int(t.Precision), int(t.Scale))
	case *format.DateType:
		if phys == format.Int32 {
			return arrow.FixedWidthTypes.Date32, cvCopy, true, nil
		}
	case *format.TimeType:
		u := unitOf(t.Unit)
		if phys == format.Int32 && u == arrow.Millisecond {
			return arrow.FixedWidthTypes.Time32ms, cvCopy, true, nil
		}
		if phys == format.Int64 && u != arrow.Millisecond {
			return &arrow.Time64Type{Unit: u}, cvCopy, true, nil
		}
	case *format.TimestampType:
		if phys == format.Int64 {
			return &arrow.TimestampType{Unit: unitOf(t.Unit), TimeZone: zone(t.IsAdjustedToUTC)}, cvCopy, true, nil
		}
	case *format.IntType:
		return intLogical(phys, int(t.BitWidth), t.IsSigned)
	case *format.UUIDType:
		if phys == format.FixedLenByteArray && el.TypeLength.V == 16 {
			return &arrow.FixedSizeBinaryType{ByteWidth: 16}, cvCopy, true, nil
		}
	case *format.Float16Type:
		if phys == format.FixedLenByteArray && el.TypeLength.V == 2 {
			return arrow.FixedWidthTypes.Float16, cvCopy, true, nil
		}
	case *format.NullType:
		return arrow.Null, cvNull, true, nil
	}
	return nil, 0, false, nil
}

func zone(utc bool) string {
	if utc {
		return utcZone
	}
	return naiveZone
}

func intLogical(phys format.Type, bits int, signed bool) (arrow.DataType, leafConv, bool, error) {
	switch {
	case phys == format.Int32 && bits == 8 && signed:
		return arrow.PrimitiveTypes.Int8, cvInt8, true, nil
	case phys == format.Int32 && bits == 16 && signed:
		return arrow.PrimitiveTypes.Int16, cvInt16, true, nil
	case phys == format.Int32 && bits == 32 && signed:
		return arrow.PrimitiveTypes.Int32, cvCopy, true, nil
	case phys == format.Int32 && bits == 8:
		return arrow.PrimitiveTypes.Uint8, cvUint8, true, nil
	case phys == format.Int32 && bits == 16:
		return arrow.PrimitiveTypes.Uint16, cvUint16, true, nil
	case phys == format.Int32 && bits == 32:
		return arrow.PrimitiveTypes.Uint32, cvCopy, true, nil
	case phys == format.Int64 && bits == 64 && signed:
		return arrow.PrimitiveTypes.Int64, cvCopy, true, nil
	case phys == format.Int64 && bits == 64:
		return arrow.PrimitiveTypes.Uint64, cvCopy, true, nil
	}
	return nil, 0, false, nil
}

func decimalType(el *format.SchemaElement, precision, scale int) (arrow.DataType, leafConv, bool, error) {
	switch el.Type.V {
	case format.Int32, format.Int64, format.ByteArray, format.FixedLenByteArray:
	default:
		return nil, 0, false, nil
	}
	if el.Type.V == format.FixedLenByteArray && el.TypeLength.V > 32 || precision <= 0 || precision > 76 || scale < 0 || scale > precision {
		return nil, 0, false, fmt.Errorf("%w: decimal(%d, %d) of %v", base.ErrUnsupported, precision, scale, el.Type.V)
	}
	if precision > 38 {
		return &arrow.Decimal256Type{Precision: int32(precision), Scale: int32(scale)}, cvDecimal, true, nil
	}
	return &arrow.Decimal128Type{Precision: int32(precision), Scale: int32(scale)}, cvDecimal, true, nil
}

// convertedType maps the legacy ConvertedType annotation.
func convertedType(el *format.SchemaElement, ct deprecated.ConvertedType) (arrow.DataType, leafConv, bool, error) {
	phys := el.Type.V
	switch ct {
	case deprecated.UTF8, deprecated.Enum, deprecated.Json:
		if phys == format.ByteArray {
			return arrow.BinaryTypes.String, cvBytes, true, nil
		}
	case deprecated.Decimal:
		return decimalType(el, int(el.Precision.V), int(el.Scale.V))
	case deprecated.Date:
		if phys == format.Int32 {
			return arrow.FixedWidthTypes.Date32, cvCopy, true, nil
		}
	case deprecated.TimeMillis:
		if phys == format.Int32 {
			return arrow.FixedWidthTypes.Time32ms, cvCopy, true, nil
		}
	case deprecated.TimeMicros:
		if phys == format.Int64 {
			return arrow.FixedWidthTypes.Time64us, cvCopy, true, nil
		}
	case deprecated.TimestampMillis, deprecated.TimestampMicros:
		if phys == format.Int64 {
			u := map[bool]arrow.TimeUnit{true: arrow.Millisecond, false: arrow.Microsecond}[ct == deprecated.TimestampMillis]
			return &arrow.TimestampType{Unit: u, TimeZone: utcZone}, cvCopy, true, nil
		}
	case deprecated.Int8, deprecated.Int16, deprecated.Int32, deprecated.Int64,
		deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
		bits := map[deprecated.ConvertedType]int{deprecated.Int8: 8, deprecated.Int16: 16, deprecated.Int32: 32, deprecated.Int64: 64,
			deprecated.Uint8: 8, deprecated.Uint16: 16, deprecated.Uint32: 32, deprecated.Uint64: 64}[ct]
		return intLogical(phys, bits, ct >= deprecated.Int8)
	}
	return nil, 0, false, nil
}
