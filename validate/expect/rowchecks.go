package expect

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/validate/profile"
)

// nullsCheck finds null rows of a column (the profile already counted
// them; the row pass adds examples).
type nullsCheck struct{ col int }

func (c *nullsCheck) check(rec arrow.Record, at rowLoc, st *checkState) error {
	arr := rec.Column(c.col)
	st.total += int64(arr.Len())
	if arr.NullN() == 0 {
		return nil
	}
	for i := range arr.Len() {
		if arr.IsNull(i) && st.fail() {
			st.example(at.base+int64(i), "null")
		}
	}
	return nil
}

// rangeCheck finds values outside [lo, hi] (raw values; NaN is outside).
type rangeCheck struct {
	col    int
	lo, hi float64
}

func (c *rangeCheck) check(rec arrow.Record, at rowLoc, st *checkState) error {
	return numericCheck("range", rec.Column(c.col), c.col, at, st, func(v float64) bool { return !(v >= c.lo && v <= c.hi) })
}

// negativesCheck finds values below zero (−Inf included, NaN not).
type negativesCheck struct{ col int }

func (c *negativesCheck) check(rec arrow.Record, at rowLoc, st *checkState) error {
	return numericCheck("negatives", rec.Column(c.col), c.col, at, st, func(v float64) bool { return v < 0 })
}

// numericCheck counts the non-null values of a numeric column and records
// those for which bad is true as failures.
func numericCheck(name string, arr arrow.Array, col int, at rowLoc, st *checkState, bad func(float64) bool) error {
	num := numAt(arr)
	if num == nil {
		return fmt.Errorf("%s: column %d of type %s is not numeric: %w", name, col, arr.DataType(), profile.ErrUnsupported)
	}
	st.total += int64(arr.Len() - arr.NullN())
	var text func(int) string
	for i := range arr.Len() {
		if arr.IsNull(i) || !bad(num(i)) {
			continue
		}
		if st.fail() {
			if text == nil {
				text = textAt(arr)
			}
			st.example(at.base+int64(i), text(i))
		}
	}
	return nil
}

// predCheck finds non-null values whose text fails pred (allowed values,
// patterns). Dictionary values are tested once each.
type predCheck struct {
	col  int
	pred func(string) bool
}

func (c *predCheck) check(rec arrow.Record, at rowLoc, st *checkState) error {
	arr := rec.Column(c.col)
	ok := c.passAt(arr)
	st.total += int64(arr.Len() - arr.NullN())
	text := textAt(arr)
	for i := range arr.Len() {
		if !arr.IsNull(i) && !ok(i) && st.fail() {
			st.example(at.base+int64(i), text(i))
		}
	}
	return nil
}

func (c *predCheck) passAt(arr arrow.Array) func(i int) bool {
	if d, isDict := arr.(*array.Dictionary); isDict {
		text := valueText(d.Dictionary())
		memo := make([]int8, d.Dictionary().Len()) // 0 unknown, 1 pass, 2 fail
		return func(i int) bool {
			j := d.GetValueIndex(i)
			if memo[j] == 0 {
				memo[j] = 2
				if c.pred(text(j)) {
					memo[j] = 1
				}
			}
			return memo[j] == 1
		}
	}
	text := valueText(arr)
	return func(i int) bool { return c.pred(text(i)) }
}

// ruleCheck finds rows where an expression is false; rows where it is null
// (not evaluable because of a null) are not counted.
type ruleCheck struct {
	prog *colexpr.Program
	cols []int // columns the expression reads, for examples
}

func (c *ruleCheck) check(rec arrow.Record, at rowLoc, st *checkState) error {
	res, err := c.prog.Eval(rec)
	if err != nil {
		return err
	}
	defer res.Release()
	b, ok := res.(*array.Boolean)
	if !ok {
		return fmt.Errorf("rule %q gives %s, want true/false", c.prog.Source(), res.DataType())
	}
	st.total += int64(b.Len() - b.NullN())
	for i := range b.Len() {
		if b.IsValid(i) && !b.Value(i) && st.fail() {
			st.example(at.base+int64(i), rowText(rec, c.cols, i, true))
		}
	}
	return nil
}

// maxExampleText bounds the text of one example.
const maxExampleText = 200

// rowText formats the columns cols of row i: "a=1, b=x" with names, or
// "1, x" without.
func rowText(rec arrow.Record, cols []int, i int, names bool) string {
	var sb strings.Builder
	for k, c := range cols {
		if k > 0 {
			sb.WriteString(", ")
		}
		if names {
			sb.WriteString(rec.ColumnName(c) + "=")
		}
		sb.WriteString(textAt(rec.Column(c))(i))
		if sb.Len() > maxExampleText {
			return sb.String()[:maxExampleText] + "…"
		}
	}
	return sb.String()
}
