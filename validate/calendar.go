package validate

import (
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// Calendar counts the values of an instant column (timestamp, date32,
// date64) by hour of day and day of week, exactly. These are the
// components of an instant that recur: a model sees them the same way in
// every month, while the instant itself moves with the clock. Drift
// therefore compares an instant column by its Calendar, not by its raw
// values (see [Drift]).
//
// Wall clocks: naive timestamps are read as they are (as if UTC), zoned
// timestamps in their zone; dates have no hour. Calendar is plain data and
// merges by adding counts.
type Calendar struct {
	// Hours[h] counts values at hour h (0–23); nil for dates.
	Hours []int64 `json:"hours,omitempty"`
	// Weekdays[d] counts values on weekday d (0 is Sunday, as time.Weekday).
	Weekdays []int64 `json:"weekdays"`

	loc *time.Location // zoned timestamps: the zone; nil is UTC
}

// newCalendar returns an empty Calendar for instant types and nil for
// every other type.
func newCalendar(dt arrow.DataType) *Calendar {
	switch t := dt.(type) {
	case *arrow.Date32Type, *arrow.Date64Type:
		return &Calendar{Weekdays: make([]int64, 7)}
	case *arrow.TimestampType:
		c := &Calendar{Hours: make([]int64, 24), Weekdays: make([]int64, 7)}
		if z := t.TimeZone; z != "" && z != "UTC" && z != "Z" {
			// An unknown zone falls back to UTC wall clocks: the counts
			// stay comparable between two profiles of the same column.
			if loc, err := t.GetZone(); err == nil && loc != nil {
				c.loc = loc
			}
		}
		return c
	}
	return nil
}

// add counts the valid values of an instant array.
func (c *Calendar) add(arr arrow.Array) {
	switch a := arr.(type) {
	case *array.Timestamp:
		unit := int64(a.DataType().(*arrow.TimestampType).Unit.Multiplier())
		for i, v := range a.TimestampValues() {
			if a.IsValid(i) {
				c.addInstant(int64(v), unit)
			}
		}
	case *array.Date32:
		for i, v := range a.Date32Values() {
			if a.IsValid(i) {
				c.Weekdays[weekdayOfDay(int64(v))]++
			}
		}
	case *array.Date64:
		for i, v := range a.Date64Values() {
			if a.IsValid(i) {
				c.Weekdays[weekdayOfDay(floorDiv(int64(v), 86_400_000))]++
			}
		}
	}
}

// addInstant counts one timestamp of unit nanoseconds per tick.
func (c *Calendar) addInstant(v, unit int64) {
	perSec := int64(time.Second) / unit
	sec := floorDiv(v, perSec)
	if c.loc != nil {
		t := time.Unix(sec, 0).In(c.loc)
		c.Hours[t.Hour()]++
		c.Weekdays[t.Weekday()]++
		return
	}
	day := floorDiv(sec, 86_400)
	c.Hours[(sec-day*86_400)/3600]++
	c.Weekdays[weekdayOfDay(day)]++
}

// weekdayOfDay is the weekday of a day count since 1970-01-01, a Thursday.
func weekdayOfDay(day int64) int {
	return int(((day+4)%7 + 7) % 7)
}

// floorDiv divides rounding towards −∞ (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// merge adds o's counts to c.
func (c *Calendar) merge(o *Calendar) {
	for i := range c.Hours {
		c.Hours[i] += o.Hours[i]
	}
	for i := range c.Weekdays {
		c.Weekdays[i] += o.Weekdays[i]
	}
}

// check verifies a decoded Calendar of a column with count values.
func (c *Calendar) check(fresh *Calendar, count int64) error {
	if fresh == nil || len(c.Weekdays) != 7 || len(c.Hours) != len(fresh.Hours) {
		return fmt.Errorf("calendar counts do not match the column's type")
	}
	c.loc = fresh.loc
	for _, counts := range [][]int64{c.Hours, c.Weekdays} {
		var n int64
		for _, v := range counts {
			if v < 0 {
				return fmt.Errorf("negative calendar count")
			}
			n += v
		}
		if n > count {
			return fmt.Errorf("calendar counts sum to %d, more than the %d values", n, count)
		}
	}
	return nil
}

// weekdayNames label Calendar.Weekdays.
var weekdayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
