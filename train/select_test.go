package train

import (
	"context"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// delays is one record: delay 5, null, 20, 40 and distance 100..400.
func delays(t *testing.T) arrow.Record {
	t.Helper()
	mem := memory.NewGoAllocator()
	d := array.NewInt64Builder(mem)
	d.AppendValues([]int64{5, 0, 20, 40}, []bool{true, false, true, true})
	dist := array.NewFloat64Builder(mem)
	dist.AppendValues([]float64{100, 200, 300, 400}, nil)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "delay", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "distance", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	cols := []arrow.Array{d.NewArray(), dist.NewArray()}
	t.Cleanup(func() { cols[0].Release(); cols[1].Release() })
	return array.NewRecord(schema, cols, 4)
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name, where, label string
		distances          []float64
		labels             []bool // nil: no label column
	}{
		{"all rows", "", "", []float64{100, 200, 300, 400}, nil},
		{"where only", "distance > 150", "", []float64{200, 300, 400}, nil},
		{"label drops its nulls", "", "delay > 15", []float64{100, 300, 400}, []bool{false, true, true}},
		{"where and label", "distance < 350", "delay > 15", []float64{100, 300}, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := delays(t)
			defer rec.Release()
			src, err := Select(Records(rec), rec.Schema(), tt.where, tt.label)
			if err != nil {
				t.Fatal(err)
			}
			var dist []float64
			var labels []bool
			for r, err := range src(context.Background()) {
				if err != nil {
					t.Fatal(err)
				}
				idx := r.Schema().FieldIndices(LabelColumn)
				if (len(idx) == 1) != (tt.labels != nil) {
					t.Fatalf("label column %v in %s", idx, r.Schema())
				}
				dist = append(dist, r.Column(1).(*array.Float64).Float64Values()...)
				if len(idx) == 1 {
					b := r.Column(idx[0]).(*array.Boolean)
					for i := range b.Len() {
						labels = append(labels, b.Value(i))
					}
				}
			}
			if !slices.Equal(dist, tt.distances) || !slices.Equal(labels, tt.labels) {
				t.Errorf("distances %v labels %v, want %v %v", dist, labels, tt.distances, tt.labels)
			}
		})
	}
}

func TestSelectBadExpression(t *testing.T) {
	rec := delays(t)
	defer rec.Release()
	if _, err := Select(Records(rec), rec.Schema(), "nope > 1", ""); err == nil {
		t.Error("an unknown column in --where compiled")
	}
	if _, err := Select(Records(rec), rec.Schema(), "", "delay >"); err == nil {
		t.Error("a malformed label compiled")
	}
}
