package model

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// The label rules: how a label value names a class, and how a model's
// label mapping (Spec.Labels, the class names in output order) turns
// label values back into what its outputs are compared with. Training
// (package train) names classes with ClassName; scoring (package
// evaluate, refit optimize) encodes with LabelEncoder.

// ClassName is the class that row i (not null) of a label array names: a
// string as it is (string, large_string, dictionary<string>), a boolean as
// "true" or "false", a number as NumberClass of its value. Other types are
// an error wrapping ErrInvalidInput.
func ClassName(arr arrow.Array, i int) (string, error) {
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.Boolean:
		return boolName(a.Value(i)), nil
	case *array.Dictionary:
		return ClassName(a.Dictionary(), a.GetValueIndex(i))
	}
	if v, ok := numberAt(arr, i); ok {
		return NumberClass(v), nil
	}
	return "", fmt.Errorf("%w: a class label must be a string, bool or number, got %s", ErrInvalidInput, arr.DataType())
}

// NumberClass is the class name of a numeric label value: its shortest
// decimal form ("3", "0.5").
func NumberClass(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// LabelValue is row i (not null) of a numeric or boolean label array as a
// float64 (true is 1). Other types are an error wrapping ErrInvalidInput.
func LabelValue(arr arrow.Array, i int) (float64, error) {
	if a, ok := arr.(*array.Boolean); ok {
		if a.Value(i) {
			return 1, nil
		}
		return 0, nil
	}
	if v, ok := numberAt(arr, i); ok {
		return v, nil
	}
	return 0, fmt.Errorf("%w: a regression label must be a number, got %s", ErrInvalidInput, arr.DataType())
}

// numberAt is row i of an integer or float array as a float64, and false
// for other types.
func numberAt(arr arrow.Array, i int) (float64, bool) {
	switch a := arr.(type) {
	case *array.Int8:
		return float64(a.Value(i)), true
	case *array.Int16:
		return float64(a.Value(i)), true
	case *array.Int32:
		return float64(a.Value(i)), true
	case *array.Int64:
		return float64(a.Value(i)), true
	case *array.Uint8:
		return float64(a.Value(i)), true
	case *array.Uint16:
		return float64(a.Value(i)), true
	case *array.Uint32:
		return float64(a.Value(i)), true
	case *array.Uint64:
		return float64(a.Value(i)), true
	case *array.Float32:
		return float64(a.Value(i)), true
	case *array.Float64:
		return a.Value(i), true
	}
	return math.NaN(), false
}

// LabelEncoder turns label values into what a model's outputs are
// compared with: the class index for classification, the value for
// regression. Build it with Model.LabelEncoder; it is safe for concurrent
// use.
type LabelEncoder struct {
	task    Task
	names   []string
	classes map[string]int
}

// LabelEncoder returns the encoder of m's label mapping.
func (m *Model) LabelEncoder() *LabelEncoder {
	e := &LabelEncoder{task: m.Task(), names: m.Labels(), classes: map[string]int{}}
	for i, name := range e.names {
		e.classes[name] = i
	}
	return e
}

// Encode returns the label of row i (not null) of arr. A binary model
// whose classes are not named "false"/"true" or "0"/"1" still takes a
// true/false or 0/1 label as negative/positive. A value that is not a
// class of the model is an error wrapping ErrInvalidInput.
func (e *LabelEncoder) Encode(arr arrow.Array, i int) (float64, error) {
	if e.task == TaskRegression {
		return LabelValue(arr, i)
	}
	name, err := ClassName(arr, i)
	if err != nil {
		return 0, err
	}
	if c, ok := e.classes[name]; ok {
		return float64(c), nil
	}
	if e.task == TaskBinary && (name == "true" || name == "1") {
		return 1, nil
	}
	if e.task == TaskBinary && (name == "false" || name == "0") {
		return 0, nil
	}
	return 0, fmt.Errorf("%w: label %q is not a class of the model (classes %q)", ErrInvalidInput, name, e.names)
}
