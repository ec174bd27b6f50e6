package ingest

import (
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

func TestWiden(t *testing.T) {
	p := arrow.PrimitiveTypes
	ts := func(u arrow.TimeUnit, tz string) arrow.DataType { return &arrow.TimestampType{Unit: u, TimeZone: tz} }
	dec := func(p, s int32) arrow.DataType { return &arrow.Decimal128Type{Precision: p, Scale: s} }
	tests := []struct {
		a, b, want arrow.DataType // want nil: incompatible
	}{
		{p.Int32, p.Int32, p.Int32},
		{p.Int8, p.Int64, p.Int64},
		{p.Int32, p.Int16, p.Int32},
		{p.Uint8, p.Uint32, p.Uint32},
		{p.Uint8, p.Int8, p.Int16},
		{p.Int64, p.Uint16, p.Int64},
		{p.Uint32, p.Int32, p.Int64},
		{p.Uint64, p.Int8, nil},
		{p.Float32, p.Float64, p.Float64},
		{arrow.FixedWidthTypes.Float16, p.Float32, p.Float32},
		{p.Int32, p.Float32, p.Float64},
		{p.Int64, p.Float64, nil},
		{arrow.Null, p.Int32, p.Int32},
		{arrow.BinaryTypes.String, arrow.Null, arrow.BinaryTypes.String},
		{arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.LargeString},
		{arrow.BinaryTypes.Binary, arrow.BinaryTypes.LargeBinary, arrow.BinaryTypes.LargeBinary},
		{arrow.BinaryTypes.String, p.Int64, nil},
		{arrow.BinaryTypes.String, arrow.BinaryTypes.Binary, nil},
		{ts(arrow.Millisecond, ""), ts(arrow.Microsecond, ""), ts(arrow.Microsecond, "")},
		{ts(arrow.Nanosecond, "UTC"), ts(arrow.Second, "UTC"), ts(arrow.Nanosecond, "UTC")},
		{ts(arrow.Microsecond, ""), ts(arrow.Microsecond, "UTC"), nil},
		{dec(10, 2), dec(18, 2), dec(18, 2)},
		{dec(10, 2), dec(10, 3), nil},
		{arrow.FixedWidthTypes.Date32, ts(arrow.Second, ""), nil},
	}
	for _, tt := range tests {
		got, ok := widen(tt.a, tt.b)
		if tt.want == nil {
			if ok {
				t.Errorf("widen(%s, %s) = %s, want incompatible", tt.a, tt.b, got)
			}
			continue
		}
		if !ok || !arrow.TypeEqual(got, tt.want) {
			t.Errorf("widen(%s, %s) = %v, %v; want %s", tt.a, tt.b, got, ok, tt.want)
		}
		if back, ok := widen(tt.b, tt.a); !ok || !arrow.TypeEqual(back, got) {
			t.Errorf("widen is not symmetric for %s, %s: %v", tt.a, tt.b, back)
		}
	}
}

func TestPartitionType(t *testing.T) {
	ints := []Partition{{Value: "2001"}, {Null: true}, {Value: "-3"}}
	if got := partitionType(ints); got.ID() != arrow.INT64 {
		t.Errorf("integers: got %s", got)
	}
	mixed := append(ints, Partition{Value: "01a"})
	if got := partitionType(mixed); got.ID() != arrow.STRING {
		t.Errorf("mixed: got %s", got)
	}
}
