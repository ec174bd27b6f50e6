package model

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

// ColumnOOR counts, for one input column, the values a RangeCounter saw
// that lie outside what the model's training data had:
//
//   - numeric: present values below or above the training range
//     (Column.Range);
//   - categorical: values in neither Categories nor Rare, that is values
//     training never saw (a rare value that training saw is in range even
//     though it encodes as "#other");
//   - time and date: values whose hour of day, day of week or (when
//     encoded) month training never had; they encode as zeros.
//
// Missing values (null; NaN and ±Inf for numeric columns) are counted
// apart and are never out of range.
type ColumnOOR struct {
	// Column is the input column name; Kind its kind.
	Column string `json:"column"`
	Kind   Kind   `json:"kind"`
	// Rows is the number of rows counted; Missing those with a missing
	// value.
	Rows    int64 `json:"rows"`
	Missing int64 `json:"missing"`
	// OutOfRange is the number of rows whose value is out of range.
	OutOfRange int64 `json:"out_of_range"`
	// Below and Above split OutOfRange of a numeric column.
	Below int64 `json:"below,omitempty"`
	Above int64 `json:"above,omitempty"`
	// UnseenHour, UnseenWeekday and UnseenMonth count the rows of a time
	// or date column with each calendar part unseen; a row can count in
	// more than one, and once in OutOfRange.
	UnseenHour    int64 `json:"unseen_hour,omitempty"`
	UnseenWeekday int64 `json:"unseen_weekday,omitempty"`
	UnseenMonth   int64 `json:"unseen_month,omitempty"`
	// Known is false when the model does not record what training saw
	// for this column (numeric, time and date columns of models of format
	// version 1); OutOfRange is 0 then.
	Known bool `json:"known"`
	// Exact is false when OutOfRange may include values training saw:
	// categorical columns whose training values were not all recorded
	// (Column.Complete is false), where a value outside the list may be
	// a rare one.
	Exact bool `json:"exact"`
}

// Share is OutOfRange as a fraction of the present (non-missing) values;
// 0 when there are none.
func (c ColumnOOR) Share() float64 {
	if n := c.Rows - c.Missing; n > 0 {
		return float64(c.OutOfRange) / float64(n)
	}
	return 0
}

// RangeCounter accumulates out-of-range counts per input column over
// record batches scored by one Preprocessor. Counters of the same
// Preprocessor merge, so batches can be counted in parallel. A
// RangeCounter is not safe for concurrent use.
type RangeCounter struct {
	p      *Preprocessor
	counts []ColumnOOR
}

// NewRangeCounter returns an empty counter for p's input columns.
func (p *Preprocessor) NewRangeCounter() *RangeCounter {
	c := &RangeCounter{p: p, counts: make([]ColumnOOR, len(p.cols))}
	for i, col := range p.cols {
		c.counts[i] = ColumnOOR{Column: col.Name, Kind: col.Kind, Known: col.rangeKnown(), Exact: col.rangeExact()}
	}
	return c
}

// rangeKnown reports whether the column records what training saw.
func (c *Column) rangeKnown() bool {
	switch c.Kind {
	case KindNumeric:
		return c.Range != nil
	case KindCategorical:
		return true
	}
	return c.Calendar != nil
}

func (c *Column) rangeExact() bool {
	return c.rangeKnown() && (c.Kind != KindCategorical || c.Complete)
}

// OutOfRange counts the out-of-range values of one batch, per input
// column in the Preprocessor's order. rec is only read during the call.
func (p *Preprocessor) OutOfRange(rec arrow.Record) ([]ColumnOOR, error) {
	c := p.NewRangeCounter()
	if err := c.Add(rec); err != nil {
		return nil, err
	}
	return c.Counts(), nil
}

// Add counts the rows of rec, which must have the Preprocessor's input
// columns with the types it was fitted on (as for Transform). On error
// the counts are unchanged. rec is only read during the call.
func (c *RangeCounter) Add(rec arrow.Record) error {
	counts := slices.Clone(c.counts)
	for i := range c.p.cols {
		arr, err := c.p.column(rec, i)
		if err != nil {
			return err
		}
		if err := c.p.countColumn(i, arr, &counts[i]); err != nil {
			return fmt.Errorf("model: counting out-of-range values of %q: %w", c.p.cols[i].Name, err)
		}
	}
	c.counts = counts
	return nil
}

// Add adds o's counts (of the same column) into c.
func (c *ColumnOOR) Add(o *ColumnOOR) {
	c.Rows += o.Rows
	c.Missing += o.Missing
	c.OutOfRange += o.OutOfRange
	c.Below += o.Below
	c.Above += o.Above
	c.UnseenHour += o.UnseenHour
	c.UnseenWeekday += o.UnseenWeekday
	c.UnseenMonth += o.UnseenMonth
}

// Merge adds o's counts into c. o must count for the same Preprocessor.
func (c *RangeCounter) Merge(o *RangeCounter) error {
	if o.p != c.p {
		return fmt.Errorf("model: merging range counters: %w: different preprocessors", ErrInvalidInput)
	}
	for i := range c.counts {
		c.counts[i].Add(&o.counts[i])
	}
	return nil
}

// Counts returns a copy of the counts, one per input column in the
// Preprocessor's order.
func (c *RangeCounter) Counts() []ColumnOOR { return slices.Clone(c.counts) }

func (p *Preprocessor) countColumn(i int, arr arrow.Array, n *ColumnOOR) error {
	c := &p.cols[i]
	n.Rows += int64(arr.Len())
	switch c.Kind {
	case KindNumeric:
		return countNumeric(c, arr, n)
	case KindCategorical:
		index, rare := p.index[i], p.rare[i]
		return eachString(arr, 0, arr.Len(), func(_ int, s string, ok bool) {
			if !ok {
				n.Missing++
				return
			}
			if _, found := index[s]; !found && !rare[s] {
				n.OutOfRange++
			}
		})
	}
	return countCalendar(c, p.locs[i], p.masks[i], arr, n)
}

func countNumeric(c *Column, arr arrow.Array, n *ColumnOOR) error {
	return eachNumber(arr, 0, arr.Len(), func(_ int, v float64, ok bool) {
		switch {
		case !ok || math.IsNaN(v) || math.IsInf(v, 0):
			n.Missing++
		case c.Range == nil:
		case v < c.Range[0]:
			n.Below++
			n.OutOfRange++
		case v > c.Range[1]:
			n.Above++
			n.OutOfRange++
		}
	})
}

func countCalendar(c *Column, loc *time.Location, m calendarMask, arr arrow.Array, n *ColumnOOR) error {
	return eachTime(arr, c, loc, 0, arr.Len(), func(_ int, t time.Time, ok bool) {
		if !ok {
			n.Missing++
			return
		}
		if c.Calendar == nil {
			return
		}
		h, wd, mo := m.unseen(t, c.Kind == KindTime)
		n.UnseenHour += b2i(h)
		n.UnseenWeekday += b2i(wd)
		n.UnseenMonth += b2i(mo)
		n.OutOfRange += b2i(h || wd || mo)
	})
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
