package coverage

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/profile"
)

// Kinds of slice.
const (
	SliceExpr  = "expr"  // a configured expression
	SliceValue = "value" // one value of a low-cardinality column
	SliceTail  = "tail"  // values below the reference p1 or above its p99
	SliceNulls = "nulls" // rows with a null in any column
)

// sliceDef describes one slice before counting.
type sliceDef struct {
	name, expr, kind string
	refShare         *float64 // from the reference profile, when known
}

// sliceGroup marks the rows of one or more slices of a record: it sets
// masks[s][i] for each of its slices s and member rows i (masks start
// false). Groups are read-only and safe for concurrent use.
type sliceGroup interface {
	mark(rec arrow.Record, masks [][]bool) error
}

// exprGroup is a configured expression slice.
type exprGroup struct {
	prog  *colexpr.Program
	slice int
}

func (g exprGroup) mark(rec arrow.Record, masks [][]bool) error {
	arr, err := g.prog.Eval(rec)
	if err != nil {
		return err
	}
	defer arr.Release()
	b, ok := arr.(*array.Boolean)
	if !ok {
		return fmt.Errorf("slice %q: not a boolean: %w", g.prog.Source(), validate.ErrInvalidOptions)
	}
	m := masks[g.slice]
	for i := range m {
		m[i] = b.IsValid(i) && b.Value(i)
	}
	return nil
}

// nullGroup marks rows with a null in any column.
type nullGroup struct{ slice int }

func (g nullGroup) mark(rec arrow.Record, masks [][]bool) error {
	m := masks[g.slice]
	for _, col := range rec.Columns() {
		if col.NullN() == 0 {
			continue
		}
		for i := range m {
			m[i] = m[i] || col.IsNull(i)
		}
	}
	return nil
}

// tailGroup marks values below lo and above hi of a numeric column; a
// slice index of -1 leaves that tail out.
type tailGroup struct {
	col         string
	lo, hi      float64
	below, over int // slice indices
}

func (g tailGroup) mark(rec arrow.Record, masks [][]bool) error {
	arr, err := columnByName(rec, g.col)
	if err != nil {
		return err
	}
	get, err := floatGetter(arr)
	if err != nil {
		return err
	}
	var lo, hi []bool
	if g.below >= 0 {
		lo = masks[g.below]
	}
	if g.over >= 0 {
		hi = masks[g.over]
	}
	for i := range arr.Len() {
		if arr.IsValid(i) {
			v := get(i)
			if lo != nil {
				lo[i] = v < g.lo
			}
			if hi != nil {
				hi[i] = v > g.hi
			}
		}
	}
	return nil
}

// valueGroup marks each listed value of a low-cardinality column; values
// are keyed by their text (as the profile formats them).
type valueGroup struct {
	col    string
	slices map[string]int
}

func (g valueGroup) mark(rec arrow.Record, masks [][]bool) error {
	arr, err := columnByName(rec, g.col)
	if err != nil {
		return err
	}
	if d, ok := arr.(*array.Dictionary); ok {
		return g.markDictionary(d, masks)
	}
	text, err := textGetter(arr)
	if err != nil {
		return err
	}
	for i := range arr.Len() {
		if arr.IsValid(i) {
			if s, ok := g.slices[text(i)]; ok {
				masks[s][i] = true
			}
		}
	}
	return nil
}

// markDictionary maps each dictionary entry to its slice once.
func (g valueGroup) markDictionary(d *array.Dictionary, masks [][]bool) error {
	text, err := textGetter(d.Dictionary())
	if err != nil {
		return err
	}
	slice := make([]int, d.Dictionary().Len())
	for j := range slice {
		slice[j] = -1
		if s, ok := g.slices[text(j)]; ok {
			slice[j] = s
		}
	}
	for i := range d.Len() {
		if d.IsValid(i) {
			if s := slice[d.GetValueIndex(i)]; s >= 0 {
				masks[s][i] = true
			}
		}
	}
	return nil
}

func columnByName(rec arrow.Record, name string) (arrow.Array, error) {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, fmt.Errorf("no column %q in the data: %w", name, profile.ErrSchemaMismatch)
	}
	return rec.Column(idx[0]), nil
}

// textGetter returns a function formatting value i as [profile.Column]
// formats the same value in its top-k list.
func textGetter(arr arrow.Array) (func(int) string, error) {
	switch a := arr.(type) {
	case *array.String:
		return a.Value, nil
	case *array.LargeString:
		return a.Value, nil
	case *array.Boolean:
		return func(i int) string { return strconv.FormatBool(a.Value(i)) }, nil
	case *array.Float32, *array.Float64:
		get, _ := floatGetter(arr)
		return func(i int) string { return strconv.FormatFloat(get(i), 'g', -1, 64) }, nil
	case *array.Uint64:
		return func(i int) string { return strconv.FormatUint(a.Value(i), 10) }, nil
	}
	get, err := floatGetter(arr)
	if err != nil {
		return nil, err
	}
	return func(i int) string { return strconv.FormatInt(int64(get(i)), 10) }, nil
}

// floatGetter returns a function reading value i of a numeric array.
func floatGetter(arr arrow.Array) (func(int) float64, error) {
	switch a := arr.(type) {
	case *array.Int8:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Int16:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Int32:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Int64:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint8:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint16:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint32:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint64:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Float32:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Float64:
		return a.Value, nil
	}
	return nil, fmt.Errorf("column of type %s is not numeric: %w", arr.DataType(), profile.ErrUnsupported)
}
