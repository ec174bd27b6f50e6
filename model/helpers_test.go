package model

import (
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var mem = memory.NewGoAllocator()

// col is a named arrow array for newRecord.
type col struct {
	name string
	arr  arrow.Array
}

// newRecord builds a record from equally long columns.
func newRecord(t testing.TB, cols ...col) arrow.Record {
	t.Helper()
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.arr.DataType(), Nullable: true}
		arrs[i] = c.arr
	}
	n := int64(0)
	if len(cols) > 0 {
		n = int64(cols[0].arr.Len())
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, n)
	for _, a := range arrs {
		a.Release()
	}
	t.Cleanup(rec.Release)
	return rec
}

// valid returns nil (all valid) or a validity slice with false at null.
func valid(n int, null ...int) []bool {
	if len(null) == 0 {
		return nil
	}
	v := make([]bool, n)
	for i := range v {
		v[i] = true
	}
	for _, i := range null {
		v[i] = false
	}
	return v
}

func f64Arr(vals []float64, null ...int) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, valid(len(vals), null...))
	return b.NewArray()
}

func i64Arr(vals []int64, null ...int) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, valid(len(vals), null...))
	return b.NewArray()
}

func strArr(vals []string, null ...int) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.AppendValues(vals, valid(len(vals), null...))
	return b.NewArray()
}

func dictArr(vals []string, null ...int) arrow.Array {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	v := valid(len(vals), null...)
	for i, s := range vals {
		if v != nil && !v[i] {
			b.AppendNull()
			continue
		}
		if err := b.AppendString(s); err != nil {
			panic(err)
		}
	}
	return b.NewArray()
}

func tsArr(unit arrow.TimeUnit, zone string, vals []int64, null ...int) arrow.Array {
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: unit, TimeZone: zone})
	defer b.Release()
	ts := make([]arrow.Timestamp, len(vals))
	for i, v := range vals {
		ts[i] = arrow.Timestamp(v)
	}
	b.AppendValues(ts, valid(len(vals), null...))
	return b.NewArray()
}

// near reports whether a and b agree to tol.
func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// nearSlice fails unless got and want agree element-wise to tol.
func nearSlice(t *testing.T, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d values %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if !near(float64(got[i]), float64(want[i]), tol) {
			t.Fatalf("value %d: got %v, want %v (all: %v vs %v)", i, got[i], want[i], got, want)
		}
	}
}
