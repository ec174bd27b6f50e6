package evaluate

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Automatic slices, built by Score from the models' input columns:
//   - "col=value" for each value of a string or bool column that has at
//     most MaxSliceValues distinct values on the evaluated rows;
//   - "col<p1" and "col>p99" for numeric columns: the rows below the 1st
//     and above the 99th percentile of the evaluated rows (exact,
//     nearest-rank), when not empty;
//   - "any_null": rows where an input column is null.
const (
	// MaxSliceValues is the largest number of distinct values a column
	// may have to get one automatic slice per value.
	MaxSliceValues = 20
	// NullSlice names the automatic slice of rows with a null input.
	NullSlice = "any_null"
)

// autoSlices accumulates the automatic slices over the records of a pass.
type autoSlices struct {
	cats  []*catColumn
	nums  []*numColumn
	names []string // every input column, for nulls
	nulls []int
}

// catColumn collects each value's rows until there are too many values.
type catColumn struct {
	name   string
	values map[string][]int
	dead   bool
}

// numColumn keeps every value (NaN for null) to find its percentiles.
type numColumn struct {
	name   string
	values []float64
}

// newAutoSlices picks the input columns of schema to slice on.
func newAutoSlices(schema *arrow.Schema, inputs []string) *autoSlices {
	a := &autoSlices{}
	for _, name := range inputs {
		idx := schema.FieldIndices(name)
		if len(idx) == 0 {
			continue
		}
		a.names = append(a.names, name)
		switch dt := schema.Field(idx[0]).Type; {
		case isStringType(dt) || dt.ID() == arrow.BOOL:
			a.cats = append(a.cats, &catColumn{name: name, values: map[string][]int{}})
		case arrow.IsInteger(dt.ID()) || arrow.IsFloating(dt.ID()):
			a.nums = append(a.nums, &numColumn{name: name})
		}
	}
	return a
}

func isStringType(dt arrow.DataType) bool {
	switch t := dt.(type) {
	case *arrow.StringType, *arrow.LargeStringType:
		return true
	case *arrow.DictionaryType:
		return isStringType(t.ValueType)
	}
	return false
}

// add records the rows of rec, numbered from offset.
func (a *autoSlices) add(rec arrow.Record, offset int) error {
	n := int(rec.NumRows())
	for _, c := range a.cats {
		if err := c.add(column(rec, c.name), offset); err != nil {
			return err
		}
	}
	for _, c := range a.nums {
		arr := column(rec, c.name)
		for i := range n {
			c.values = append(c.values, floatAt(arr, i))
		}
	}
	for i := range n {
		for _, name := range a.names {
			if column(rec, name).IsNull(i) {
				a.nulls = append(a.nulls, offset+i)
				break
			}
		}
	}
	return nil
}

func column(rec arrow.Record, name string) arrow.Array {
	return rec.Column(rec.Schema().FieldIndices(name)[0])
}

func (c *catColumn) add(arr arrow.Array, offset int) error {
	if c.dead {
		return nil
	}
	for i := range arr.Len() {
		if arr.IsNull(i) {
			continue
		}
		v, err := stringAt(arr, i)
		if err != nil {
			return fmt.Errorf("slice column %s: %w", c.name, err)
		}
		rows, seen := c.values[v]
		if !seen && len(c.values) == MaxSliceValues {
			c.dead, c.values = true, nil
			return nil
		}
		c.values[v] = append(rows, offset+i)
	}
	return nil
}

// slices returns the automatic slices in a stable order: categorical
// columns by value, then numeric tails, then nulls.
func (a *autoSlices) slices() []Slice {
	var out []Slice
	for _, c := range a.cats {
		if c.dead {
			continue
		}
		for _, v := range sortStrings(mapKeys(c.values)) {
			out = append(out, Slice{Name: c.name + "=" + v, Rows: c.values[v]})
		}
	}
	for _, c := range a.nums {
		out = append(out, c.tails()...)
	}
	if len(a.nulls) > 0 {
		out = append(out, Slice{Name: NullSlice, Rows: a.nulls})
	}
	return out
}

// tails returns the rows below p1 and above p99, when not empty.
func (c *numColumn) tails() []Slice {
	sorted := make([]float64, 0, len(c.values))
	for _, v := range c.values {
		if !math.IsNaN(v) {
			sorted = append(sorted, v)
		}
	}
	if len(sorted) == 0 {
		return nil
	}
	slices.Sort(sorted)
	p1, p99 := rankOf(sorted, 0.01), rankOf(sorted, 0.99)
	var lo, hi []int
	for i, v := range c.values {
		switch {
		case v < p1:
			lo = append(lo, i)
		case v > p99:
			hi = append(hi, i)
		}
	}
	var out []Slice
	if len(lo) > 0 {
		out = append(out, Slice{Name: c.name + "<p1", Rows: lo})
	}
	if len(hi) > 0 {
		out = append(out, Slice{Name: c.name + ">p99", Rows: hi})
	}
	return out
}

// rankOf is the nearest-rank q-quantile of sorted values.
func rankOf(sorted []float64, q float64) float64 {
	i := int(math.Ceil(float64(len(sorted))*q)) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// stringAt reads a string, dictionary-string or bool value.
func stringAt(arr arrow.Array, i int) (string, error) {
	switch a := arr.(type) {
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i)), nil
	case *array.Dictionary:
		return stringAt(a.Dictionary(), a.GetValueIndex(i))
	}
	return "", fmt.Errorf("%w: %s is not a string column", ErrInvalidInput, arr.DataType())
}

// floatAt reads a numeric value as float64; NaN for null.
func floatAt(arr arrow.Array, i int) float64 {
	if arr.IsNull(i) {
		return math.NaN()
	}
	switch a := arr.(type) {
	case *array.Float64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Int64:
		return float64(a.Value(i))
	case *array.Int32:
		return float64(a.Value(i))
	case *array.Int16:
		return float64(a.Value(i))
	case *array.Int8:
		return float64(a.Value(i))
	case *array.Uint64:
		return float64(a.Value(i))
	case *array.Uint32:
		return float64(a.Value(i))
	case *array.Uint16:
		return float64(a.Value(i))
	case *array.Uint8:
		return float64(a.Value(i))
	}
	return math.NaN()
}
