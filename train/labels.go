package train

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
)

// labelKind is how a label column is read.
type labelKind int

const (
	labelClass   labelKind = iota // bool or string: class names
	labelNumeric                  // any number
)

// labels are the raw labels of the rows of one or more sources: class ids
// (into names, in first-seen order) or numbers.
type labels struct {
	kind  labelKind
	ids   map[string]int32
	names []string
	class []int32   // labelClass: one id per row
	num   []float64 // labelNumeric: one value per row
}

// read appends the label of every row of b.
func (l *labels) read(b *batches, col string) error {
	for _, rec := range b.recs {
		arr := rec.Column(rec.Schema().FieldIndices(col)[0])
		kind, err := kindOfLabel(arr.DataType())
		if err != nil {
			return err
		}
		if l.ids == nil {
			l.kind, l.ids = kind, map[string]int32{}
		} else if kind != l.kind {
			return fmt.Errorf("%w: label column %q changes type to %s", ErrInvalidData, col, arr.DataType())
		}
		if arr.NullN() > 0 {
			return fmt.Errorf("%w: label column %q has %d missing values", ErrInvalidData, col, arr.NullN())
		}
		if err := l.readArray(arr); err != nil {
			return fmt.Errorf("%w: label column %q: %w", ErrInvalidData, col, err)
		}
	}
	return nil
}

func kindOfLabel(dt arrow.DataType) (labelKind, error) {
	switch dt.ID() {
	case arrow.BOOL, arrow.STRING, arrow.LARGE_STRING:
		return labelClass, nil
	case arrow.DICTIONARY:
		if v := dt.(*arrow.DictionaryType).ValueType.ID(); v == arrow.STRING || v == arrow.LARGE_STRING {
			return labelClass, nil
		}
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16,
		arrow.UINT32, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64:
		return labelNumeric, nil
	}
	return 0, fmt.Errorf("%w: label type %s: want bool, string or a number", ErrInvalidData, dt)
}

// readArray appends the labels of arr: class names as model.ClassName
// gives them, or numbers.
func (l *labels) readArray(arr arrow.Array) error {
	if l.kind == labelClass {
		for i := range arr.Len() {
			name, err := model.ClassName(arr, i)
			if err != nil {
				return err
			}
			l.addClass(name)
		}
		return nil
	}
	for i := range arr.Len() {
		v, err := model.LabelValue(arr, i)
		if err != nil {
			return err
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("row %d: value %v is not a finite number", i, v)
		}
		l.num = append(l.num, v)
	}
	return nil
}

func (l *labels) addClass(s string) {
	id, ok := l.ids[s]
	if !ok {
		id = int32(len(l.names))
		s = strings.Clone(s) // s may point into arrow memory
		l.ids[s] = id
		l.names = append(l.names, s)
	}
	l.class = append(l.class, id)
}

// inferTask picks the task for a label when the config leaves it empty.
func (l *labels) inferTask() model.Task {
	switch {
	case l.kind == labelNumeric:
		return model.TaskRegression
	case len(l.names) > 2:
		return model.TaskMulticlass
	}
	return model.TaskBinary
}

// classes turns the labels into sorted class names (numbers in numeric
// order, strings in byte order: "false" before "true") and one class index
// per row.
func (l *labels) classes(task model.Task) ([]string, []int32, error) {
	if l.kind == labelNumeric {
		l.numericToClasses()
	}
	order := make([]int32, len(l.names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return l.compareClass(a, b) })
	names, remap := make([]string, len(order)), make([]int32, len(order))
	for rank, id := range order {
		names[rank], remap[id] = l.names[id], int32(rank)
	}
	switch {
	case task == model.TaskBinary && len(names) != 2:
		return nil, nil, fmt.Errorf("%w: binary task needs 2 label values, found %d", ErrInvalidData, len(names))
	case task == model.TaskMulticlass && len(names) < 2:
		return nil, nil, fmt.Errorf("%w: multiclass task needs at least 2 label values, found %d", ErrInvalidData, len(names))
	}
	cls := make([]int32, len(l.class))
	for i, id := range l.class {
		cls[i] = remap[id]
	}
	return names, cls, nil
}

// numericToClasses makes each distinct number a class.
func (l *labels) numericToClasses() {
	l.ids, l.names, l.class = map[string]int32{}, nil, make([]int32, 0, len(l.num))
	for _, v := range l.num {
		l.addClass(model.NumberClass(v))
	}
}

func (l *labels) compareClass(a, b int32) int {
	if l.kind == labelNumeric {
		x, _ := strconv.ParseFloat(l.names[a], 64)
		y, _ := strconv.ParseFloat(l.names[b], 64)
		return cmp.Compare(x, y)
	}
	return strings.Compare(l.names[a], l.names[b])
}
