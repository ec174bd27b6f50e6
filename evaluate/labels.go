package evaluate

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/model"
)

// LineageLabel is the model.Spec.Lineage key that holds the label
// expression (or column) a model was trained on. Score uses it when
// ScoreOptions.Label is empty.
const LineageLabel = "label"

// labelEncoder turns label values (the result of the label expression)
// into what a model's metrics compare predictions with: the class index
// for classification, the value for regression.
type labelEncoder struct {
	task    model.Task
	classes map[string]int
	names   []string
}

func newLabelEncoder(m *model.Model) labelEncoder {
	e := labelEncoder{task: m.Task(), names: m.Labels(), classes: map[string]int{}}
	for i, name := range e.names {
		e.classes[name] = i
	}
	return e
}

// encode returns the label of row i of arr, which must not be null.
func (e labelEncoder) encode(arr arrow.Array, i int) (float64, error) {
	if e.task == model.TaskRegression {
		return numberLabel(arr, i)
	}
	name, err := className(arr, i)
	if err != nil {
		return 0, err
	}
	if c, ok := e.classes[name]; ok {
		return float64(c), nil
	}
	// A binary model whose classes are not named "false"/"true" or "0"/"1"
	// still takes a true/false or 0/1 label as negative/positive.
	if e.task == model.TaskBinary && (name == "true" || name == "1") {
		return 1, nil
	}
	if e.task == model.TaskBinary && (name == "false" || name == "0") {
		return 0, nil
	}
	return 0, fmt.Errorf("%w: label %q is not a class of the model (classes %q)", ErrInvalidInput, name, e.names)
}

func numberLabel(arr arrow.Array, i int) (float64, error) {
	switch a := arr.(type) {
	case *array.Float64:
		return a.Value(i), nil
	case *array.Int64:
		return float64(a.Value(i)), nil
	case *array.Boolean:
		if a.Value(i) {
			return 1, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("%w: a regression label must be a number, got %s", ErrInvalidInput, arr.DataType())
}

func className(arr arrow.Array, i int) (string, error) {
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i), nil
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i)), nil
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10), nil
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64), nil
	}
	return "", fmt.Errorf("%w: a class label must be a string, bool or number, got %s", ErrInvalidInput, arr.DataType())
}
