package model

import (
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/float16"
)

// kindOf is the default kind of an arrow type, used by Fit.
func kindOf(dt arrow.DataType) (Kind, error) {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128:
		return KindNumeric, nil
	case arrow.STRING, arrow.LARGE_STRING, arrow.BOOL:
		return KindCategorical, nil
	case arrow.DICTIONARY:
		switch dt.(*arrow.DictionaryType).ValueType.ID() {
		case arrow.STRING, arrow.LARGE_STRING:
			return KindCategorical, nil
		}
	case arrow.TIMESTAMP:
		return KindTime, nil
	case arrow.DATE32, arrow.DATE64:
		return KindDate, nil
	}
	return "", fmt.Errorf("%w: unsupported arrow type %s", ErrInvalidInput, dt)
}

type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// eachNumber calls fn for rows [lo, hi) of a numeric array with the value
// as float64; ok is false for nulls.
func eachNumber(arr arrow.Array, lo, hi int, fn func(i int, v float64, ok bool)) error {
	switch a := arr.(type) {
	case *array.Int8:
		numbers(a, a.Int8Values(), lo, hi, fn)
	case *array.Int16:
		numbers(a, a.Int16Values(), lo, hi, fn)
	case *array.Int32:
		numbers(a, a.Int32Values(), lo, hi, fn)
	case *array.Int64:
		numbers(a, a.Int64Values(), lo, hi, fn)
	case *array.Uint8:
		numbers(a, a.Uint8Values(), lo, hi, fn)
	case *array.Uint16:
		numbers(a, a.Uint16Values(), lo, hi, fn)
	case *array.Uint32:
		numbers(a, a.Uint32Values(), lo, hi, fn)
	case *array.Uint64:
		numbers(a, a.Uint64Values(), lo, hi, fn)
	case *array.Float32:
		numbers(a, a.Float32Values(), lo, hi, fn)
	case *array.Float64:
		numbers(a, a.Float64Values(), lo, hi, fn)
	case *array.Float16:
		float16s(a, a.Values(), lo, hi, fn)
	case *array.Decimal128:
		decimals(a, lo, hi, fn)
	default:
		return fmt.Errorf("%w: numeric column has type %s", ErrInvalidInput, arr.DataType())
	}
	return nil
}

func numbers[T number](a arrow.Array, vals []T, lo, hi int, fn func(int, float64, bool)) {
	vals = vals[:hi]
	if a.NullN() == 0 {
		for i := lo; i < hi; i++ {
			fn(i, float64(vals[i]), true)
		}
		return
	}
	for i := lo; i < hi; i++ {
		fn(i, float64(vals[i]), a.IsValid(i))
	}
}

func float16s(a arrow.Array, vals []float16.Num, lo, hi int, fn func(int, float64, bool)) {
	for i := lo; i < hi; i++ {
		fn(i, float64(vals[i].Float32()), a.IsValid(i))
	}
}

func decimals(a *array.Decimal128, lo, hi int, fn func(int, float64, bool)) {
	scale := a.DataType().(*arrow.Decimal128Type).Scale
	for i := lo; i < hi; i++ {
		var v decimal128.Num
		ok := a.IsValid(i)
		if ok {
			v = a.Value(i)
		}
		fn(i, v.ToFloat64(scale), ok)
	}
}

// eachString calls fn for rows [lo, hi) of a string-like array; ok is
// false for nulls. s points into arrow memory: it is only valid during the
// call and must be cloned to be kept.
func eachString(arr arrow.Array, lo, hi int, fn func(i int, s string, ok bool)) error {
	switch a := arr.(type) {
	case *array.String:
		for i := lo; i < hi; i++ {
			fn(i, a.Value(i), a.IsValid(i))
		}
	case *array.LargeString:
		for i := lo; i < hi; i++ {
			fn(i, a.Value(i), a.IsValid(i))
		}
	case *array.Boolean:
		for i := lo; i < hi; i++ {
			fn(i, boolName(a.Value(i)), a.IsValid(i))
		}
	case *array.Dictionary:
		return eachDictString(a, lo, hi, fn)
	default:
		return fmt.Errorf("%w: categorical column has type %s", ErrInvalidInput, arr.DataType())
	}
	return nil
}

func eachDictString(a *array.Dictionary, lo, hi int, fn func(int, string, bool)) error {
	var value func(int) (string, bool)
	switch d := a.Dictionary().(type) {
	case *array.String:
		value = func(j int) (string, bool) { return d.Value(j), d.IsValid(j) }
	case *array.LargeString:
		value = func(j int) (string, bool) { return d.Value(j), d.IsValid(j) }
	default:
		return fmt.Errorf("%w: categorical column has type %s", ErrInvalidInput, a.DataType())
	}
	for i := lo; i < hi; i++ {
		if !a.IsValid(i) {
			fn(i, "", false)
			continue
		}
		s, ok := value(a.GetValueIndex(i))
		fn(i, s, ok)
	}
	return nil
}

func boolName(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// eachTime calls fn for rows [lo, hi) of a timestamp or date array with
// the wall-clock time in loc; ok is false for nulls.
func eachTime(arr arrow.Array, c *Column, loc *time.Location, lo, hi int, fn func(int, time.Time, bool)) error {
	switch a := arr.(type) {
	case *array.Timestamp:
		tt := a.DataType().(*arrow.TimestampType)
		if c.Kind != KindTime || tt.TimeZone != c.Zone {
			return fmt.Errorf("%w: got %s, fitted on zone %q", ErrInvalidInput, tt, c.Zone)
		}
		mul, div := unitScale(tt.Unit)
		vals := a.TimestampValues()
		for i := lo; i < hi; i++ {
			v := int64(vals[i])
			fn(i, time.Unix(v/div, v%div*mul).In(loc), a.IsValid(i))
		}
	case *array.Date32:
		if c.Kind != KindDate {
			return fmt.Errorf("%w: got %s for a %s column", ErrInvalidInput, a.DataType(), c.Kind)
		}
		vals := a.Date32Values()
		for i := lo; i < hi; i++ {
			fn(i, time.Unix(int64(vals[i])*86400, 0).UTC(), a.IsValid(i))
		}
	case *array.Date64:
		if c.Kind != KindDate {
			return fmt.Errorf("%w: got %s for a %s column", ErrInvalidInput, a.DataType(), c.Kind)
		}
		vals := a.Date64Values()
		for i := lo; i < hi; i++ {
			v := int64(vals[i])
			fn(i, time.Unix(v/1000, v%1000*1e6).UTC(), a.IsValid(i))
		}
	default:
		return fmt.Errorf("%w: %s column has type %s", ErrInvalidInput, c.Kind, arr.DataType())
	}
	return nil
}

// unitScale returns the units per second (div) and nanoseconds per unit
// (mul) of a timestamp unit.
func unitScale(u arrow.TimeUnit) (mul, div int64) {
	switch u {
	case arrow.Millisecond:
		return 1e6, 1e3
	case arrow.Microsecond:
		return 1e3, 1e6
	case arrow.Nanosecond:
		return 1, 1e9
	}
	return 0, 1
}
