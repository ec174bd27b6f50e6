package colexpr

import (
	"fmt"
	"reflect"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// zeroValue is a value of the Go type a column of t appears as, for type
// checking. Columns of other types are not variables.
func zeroValue(t arrow.DataType) (any, bool) {
	switch t.ID() {
	case arrow.BOOL:
		return false, true
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return 0, true
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128, arrow.DECIMAL256:
		return 0.0, true
	case arrow.STRING, arrow.LARGE_STRING:
		return "", true
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return time.Time{}, true
	case arrow.DICTIONARY:
		return zeroValue(t.(*arrow.DictionaryType).ValueType)
	}
	return nil, false
}

// getter returns a function giving row i of arr as its expression value,
// nil for null.
func getter(arr arrow.Array) (func(int) any, error) {
	get, err := valueGetter(arr)
	if err != nil {
		return nil, err
	}
	return func(i int) any {
		if arr.IsNull(i) {
			return nil
		}
		return get(i)
	}, nil
}

func valueGetter(arr arrow.Array) (func(int) any, error) {
	switch a := arr.(type) {
	case *array.Boolean:
		return func(i int) any { return a.Value(i) }, nil
	case *array.Int8:
		return func(i int) any { return int(a.Value(i)) }, nil
	case *array.Int16:
		return func(i int) any { return int(a.Value(i)) }, nil
	case *array.Int32:
		return func(i int) any { return int(a.Value(i)) }, nil
	case *array.Int64:
		return func(i int) any { return int(a.Value(i)) }, nil
	case *array.Uint8:
		return func(i int) any { return int(a.Value(i)) }, nil
	case *array.Uint16:
		return func(i int) any { return int(a.Value(i)) }, nil
	case *array.Uint32:
		return func(i int) any { return int(a.Value(i)) }, nil
	case *array.Uint64:
		return func(i int) any { return float64(a.Value(i)) }, nil
	case *array.Float16:
		return func(i int) any { return float64(a.Value(i).Float32()) }, nil
	case *array.Float32:
		return func(i int) any { return float64(a.Value(i)) }, nil
	case *array.Float64:
		return func(i int) any { return a.Value(i) }, nil
	case *array.String:
		return func(i int) any { return a.Value(i) }, nil
	case *array.LargeString:
		return func(i int) any { return a.Value(i) }, nil
	}
	return otherGetter(arr)
}

func otherGetter(arr arrow.Array) (func(int) any, error) {
	switch a := arr.(type) {
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		return func(i int) any { return a.Value(i).ToFloat64(scale) }, nil
	case *array.Decimal256:
		scale := a.DataType().(*arrow.Decimal256Type).Scale
		return func(i int) any { return a.Value(i).ToFloat64(scale) }, nil
	case *array.Timestamp:
		return timestampGetter(a)
	case *array.Date32:
		return func(i int) any { return a.Value(i).ToTime() }, nil
	case *array.Date64:
		return func(i int) any { return a.Value(i).ToTime() }, nil
	case *array.Dictionary:
		get, err := valueGetter(a.Dictionary())
		if err != nil {
			return nil, err
		}
		return func(i int) any { return get(a.GetValueIndex(i)) }, nil
	}
	return nil, fmt.Errorf("type %s cannot be used in expressions", arr.DataType())
}

// timestampGetter gives times in the column's zone; naive timestamps are
// their wall clock in UTC.
func timestampGetter(a *array.Timestamp) (func(int) any, error) {
	t := a.DataType().(*arrow.TimestampType)
	loc := time.UTC
	if t.TimeZone != "" {
		l, err := t.GetZone()
		if err != nil {
			return nil, err
		}
		if l != nil {
			loc = l
		}
	}
	unit := t.Unit
	return func(i int) any { return a.Value(i).ToTime(unit).In(loc) }, nil
}

// kindOf is the result kind of a value found at run time.
func kindOf(v any) reflect.Kind {
	switch v.(type) {
	case bool:
		return reflect.Bool
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return reflect.Int64
	case string:
		return reflect.String
	case time.Time:
		return reflect.Struct
	}
	return reflect.Float64
}

func appendValue(b array.Builder, kind reflect.Kind, v any) error {
	switch kind {
	case reflect.Bool:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("gives %T, want bool", v)
		}
		b.(*array.BooleanBuilder).UnsafeAppend(x)
	case reflect.Int64:
		x, ok := toInt(v)
		if !ok {
			return fmt.Errorf("gives %T, want an integer", v)
		}
		b.(*array.Int64Builder).UnsafeAppend(x)
	case reflect.String:
		x, ok := v.(string)
		if !ok {
			return fmt.Errorf("gives %T, want a string", v)
		}
		b.(*array.StringBuilder).Append(x)
	case reflect.Struct:
		x, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("gives %T, want a time", v)
		}
		b.(*array.TimestampBuilder).UnsafeAppend(arrow.Timestamp(x.UnixMicro()))
	default:
		x, ok := toFloat(v)
		if !ok {
			return fmt.Errorf("gives %T, want a number", v)
		}
		b.(*array.Float64Builder).UnsafeAppend(x)
	}
	return nil
}

func toInt(v any) (int64, bool) {
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return rv.Int(), true
	case rv.CanUint():
		return int64(rv.Uint()), true
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	if i, ok := toInt(v); ok {
		return float64(i), true
	}
	rv := reflect.ValueOf(v)
	if rv.CanFloat() {
		return rv.Float(), true
	}
	return 0, false
}

// finish returns the built array; with no non-null value it is an all-null
// array of the static kind (float64 when unknown).
func (r *result) finish() arrow.Array {
	if r.b == nil {
		r.start(r.kind)
		for range r.pending {
			r.b.AppendNull()
		}
	}
	return r.b.NewArray()
}

func (r *result) release() {
	if r.b != nil {
		r.b.Release()
	}
}
