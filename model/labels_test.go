package model

import (
	"errors"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

func boolArr(vals ...bool) arrow.Array {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewArray()
}

func f32Arr(vals ...float32) arrow.Array {
	b := array.NewFloat32Builder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewArray()
}

// Training names classes by ClassName; every label type names the same
// class the same way.
func TestClassName(t *testing.T) {
	tests := []struct {
		name string
		arr  arrow.Array
		want []string
	}{
		{"string", strArr([]string{"a", ""}), []string{"a", ""}},
		{"dictionary", dictArr([]string{"x", "y"}), []string{"x", "y"}},
		{"bool", boolArr(false, true), []string{"false", "true"}},
		{"int64", i64Arr([]int64{3, -1}), []string{"3", "-1"}},
		{"float64", f64Arr([]float64{0.5, 2}), []string{"0.5", "2"}},
		{"float32", f32Arr(0.5, 0.1), []string{"0.5", "0.10000000149011612"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer tt.arr.Release()
			for i, want := range tt.want {
				if got, err := ClassName(tt.arr, i); err != nil || got != want {
					t.Errorf("row %d: %q, %v; want %q", i, got, err, want)
				}
			}
		})
	}
	ts := tsArr(arrow.Second, "", []int64{1})
	defer ts.Release()
	if _, err := ClassName(ts, 0); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("timestamp label: %v, want ErrInvalidInput", err)
	}
}

func TestLabelEncoder(t *testing.T) {
	bin, _ := testModel(t, TaskBinary) // classes "on time", "late"
	multi, _ := testModel(t, TaskMulticlass)
	reg, _ := testModel(t, TaskRegression)
	tests := []struct {
		name string
		m    *Model
		arr  arrow.Array
		want []float64
		bad  bool
	}{
		{"binary by name", bin, strArr([]string{"late", "on time"}), []float64{1, 0}, false},
		{"binary from bool", bin, boolArr(true, false), []float64{1, 0}, false},
		{"binary from 0/1", bin, i64Arr([]int64{0, 1}), []float64{0, 1}, false},
		{"binary unknown", bin, strArr([]string{"early"}), nil, true},
		{"multiclass", multi, dictArr([]string{"c", "a", "b"}), []float64{2, 0, 1}, false},
		{"multiclass unknown", multi, strArr([]string{"true"}), nil, true},
		{"regression", reg, f64Arr([]float64{1.5, -2}), []float64{1.5, -2}, false},
		{"regression bool", reg, boolArr(true), []float64{1}, false},
		{"regression string", reg, strArr([]string{"1"}), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer tt.arr.Release()
			enc := tt.m.LabelEncoder()
			if tt.bad {
				if _, err := enc.Encode(tt.arr, 0); !errors.Is(err, ErrInvalidInput) {
					t.Fatalf("got %v, want ErrInvalidInput", err)
				}
				return
			}
			for i, want := range tt.want {
				if got, err := enc.Encode(tt.arr, i); err != nil || got != want {
					t.Errorf("row %d: %v, %v; want %v", i, got, err, want)
				}
			}
		})
	}
}
