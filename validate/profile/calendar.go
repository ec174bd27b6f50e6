package profile

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
		if c.loc != nil {
			c.addZoned(a)
			return
		}
		var week [7 * 24]int64 // counts by hour of the week, from Sunday 00:00
		perHour := int64(time.Hour) / int64(a.DataType().(*arrow.TimestampType).Unit.Multiplier())
		vals := a.TimestampValues()
		if a.NullN() == 0 {
			for _, v := range vals {
				week[hourOfWeek(int64(v), perHour)]++
			}
		} else {
			for i, v := range vals {
				if a.IsValid(i) {
					week[hourOfWeek(int64(v), perHour)]++
				}
			}
		}
		for h, n := range week {
			c.Hours[h%24] += n
			c.Weekdays[h/24] += n
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

// hourOfWeek is the hour of the week (0 is Sunday 00:00) of a wall-clock
// instant v, in ticks of which perHour make an hour: one division by a
// variable, the rest by constants. 1970-01-01 00:00 was hour 96 of its
// week, a Thursday.
func hourOfWeek(v, perHour int64) int {
	h := floorDiv(v, perHour) + 96
	w := h % (7 * 24)
	if w < 0 {
		w += 7 * 24
	}
	return int(w)
}

// addZoned counts timestamps of a zone by their wall clock there.
func (c *Calendar) addZoned(a *array.Timestamp) {
	unit := int64(a.DataType().(*arrow.TimestampType).Unit.Multiplier())
	perSec := int64(time.Second) / unit
	for i, v := range a.TimestampValues() {
		if a.IsValid(i) {
			t := time.Unix(floorDiv(int64(v), perSec), 0).In(c.loc)
			c.Hours[t.Hour()]++
			c.Weekdays[t.Weekday()]++
		}
	}
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
