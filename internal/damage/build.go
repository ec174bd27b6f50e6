package damage

import (
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// build writes the damaged record: source rows in order, each copied row
// again right after itself, edits applied. outPos[i] is the output row of
// source row i's first copy.
func (p *plan) build() (arrow.Record, []int64) {
	order := make([]int, 0, p.n)
	outPos := make([]int64, p.n)
	for i := range p.n {
		outPos[i] = int64(len(order))
		order = append(order, i)
		if p.dup[i] {
			order = append(order, i)
		}
	}
	fields := make([]arrow.Field, len(p.cols))
	cols := make([]arrow.Array, len(p.cols))
	for j, c := range p.cols {
		fields[j] = p.schema.Field(j)
		fields[j].Nullable = true
		cols[j] = buildColumn(c, order, p.edits[j])
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(len(order)))
	for _, c := range cols {
		c.Release()
	}
	return rec, outPos
}

// appender is the part of an Arrow builder build needs.
type appender[T any] interface {
	Append(T)
	AppendNull()
	NewArray() arrow.Array
	Release()
}

// fill appends the rows of order to b: the edit when a row has one,
// else the source value.
func fill[T any](b appender[T], src arrow.Array, get func(int) T, conv func(cell) T, order []int, edits map[int]cell) arrow.Array {
	defer b.Release()
	for _, i := range order {
		c, edited := edits[i]
		switch {
		case edited && c.null, !edited && src.IsNull(i):
			b.AppendNull()
		case edited:
			b.Append(conv(c))
		default:
			b.Append(get(i))
		}
	}
	return b.NewArray()
}

func num[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64](c cell) T {
	return T(c.num)
}

func noValue[T any](cell) T {
	var zero T
	return zero
}

// buildColumn copies one column (see fill). Types are those of the
// package doc; column() refuses edits a type cannot take.
func buildColumn(src arrow.Array, order []int, edits map[int]cell) arrow.Array {
	mem := memory.DefaultAllocator
	switch a := src.(type) {
	case *array.Int8:
		return fill(array.NewInt8Builder(mem), src, a.Value, num[int8], order, edits)
	case *array.Int16:
		return fill(array.NewInt16Builder(mem), src, a.Value, num[int16], order, edits)
	case *array.Int32:
		return fill(array.NewInt32Builder(mem), src, a.Value, num[int32], order, edits)
	case *array.Int64:
		return fill(array.NewInt64Builder(mem), src, a.Value, num[int64], order, edits)
	case *array.Uint8:
		return fill(array.NewUint8Builder(mem), src, a.Value, num[uint8], order, edits)
	case *array.Uint16:
		return fill(array.NewUint16Builder(mem), src, a.Value, num[uint16], order, edits)
	case *array.Uint32:
		return fill(array.NewUint32Builder(mem), src, a.Value, num[uint32], order, edits)
	case *array.Uint64:
		return fill(array.NewUint64Builder(mem), src, a.Value, num[uint64], order, edits)
	case *array.Float32:
		return fill(array.NewFloat32Builder(mem), src, a.Value, num[float32], order, edits)
	case *array.Float64:
		return fill(array.NewFloat64Builder(mem), src, a.Value, num[float64], order, edits)
	case *array.String:
		return fill(array.NewStringBuilder(mem), src, a.Value, func(c cell) string { return c.str }, order, edits)
	case *array.LargeString:
		return fill(array.NewLargeStringBuilder(mem), src, a.Value, func(c cell) string { return c.str }, order, edits)
	case *array.Boolean:
		return fill(array.NewBooleanBuilder(mem), src, a.Value, noValue[bool], order, edits)
	case *array.Timestamp:
		return fill(array.NewTimestampBuilder(mem, a.DataType().(*arrow.TimestampType)), src, a.Value, noValue[arrow.Timestamp], order, edits)
	case *array.Date32:
		return fill(array.NewDate32Builder(mem), src, a.Value, noValue[arrow.Date32], order, edits)
	}
	return nil // readTable refuses other types
}

// supported tells whether buildColumn copies a type.
func supported(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.STRING, arrow.LARGE_STRING, arrow.BOOL, arrow.TIMESTAMP, arrow.DATE32:
		return true
	}
	return false
}

// numAt returns a function reading row i of a number column as float64,
// or nil for other types.
func numAt(arr arrow.Array) func(int) float64 {
	switch a := arr.(type) {
	case *array.Int8:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Int16:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Int32:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Int64:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Uint8:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Uint16:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Uint32:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Uint64:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Float32:
		return func(i int) float64 { return float64(a.Value(i)) }
	case *array.Float64:
		return a.Value
	}
	return nil
}

// stringAt reads row i of a string column.
func stringAt(arr arrow.Array) func(int) string {
	if a, ok := arr.(*array.LargeString); ok {
		return a.Value
	}
	return arr.(*array.String).Value
}

// typeRange is the range of values a number type holds.
func typeRange(dt arrow.DataType) (float64, float64) {
	switch dt.ID() {
	case arrow.INT8:
		return math.MinInt8, math.MaxInt8
	case arrow.INT16:
		return math.MinInt16, math.MaxInt16
	case arrow.INT32:
		return math.MinInt32, math.MaxInt32
	case arrow.INT64:
		return -(1 << 62), 1 << 62
	case arrow.UINT8:
		return 0, math.MaxUint8
	case arrow.UINT16:
		return 0, math.MaxUint16
	case arrow.UINT32:
		return 0, math.MaxUint32
	case arrow.UINT64:
		return 0, 1 << 62
	case arrow.FLOAT32:
		return -math.MaxFloat32, math.MaxFloat32
	}
	return math.Inf(-1), math.Inf(1)
}
