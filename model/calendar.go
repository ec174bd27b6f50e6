package model

import (
	"fmt"
	"math/bits"
	"strconv"
	"time"
)

// MonthMinDays is the number of calendar days the training values of a
// time or date column must span for month of year to be encoded. A
// shorter window has seen only some months, so every later month would
// be one the model never saw, and its month features would only tell the
// months of the window apart (a trend the model cannot extrapolate).
const MonthMinDays = 365

// Calendar is the one-hot calendar encoding of a time or date column and
// the calendar values its training rows had. A timestamp column expands
// into 24 hour-of-day features and 7 day-of-week features, a date column
// into the 7 day-of-week features, and either adds 12 month features when
// Month is set. A value the training rows never had (an hour, weekday or
// month missing from Hours, Weekdays or Months) encodes as all zeros in
// its group: the model never learned a weight for it.
type Calendar struct {
	// Hours are the hours of day (0–23) of the training values, ascending;
	// timestamp columns only.
	Hours []int `json:"hours,omitempty"`
	// Weekdays are the days of week (0 = Sunday … 6 = Saturday) of the
	// training values, ascending.
	Weekdays []int `json:"weekdays,omitempty"`
	// Months are the months (1–12) of the training values, ascending.
	// They are recorded even when Month is false.
	Months []int `json:"months,omitempty"`
	// Days is the number of calendar days from the first to the last
	// training value, both included, on the column's wall clock (0 when
	// training had no value).
	Days int `json:"days"`
	// Month is set when month of year is encoded: Fit sets it when Days ≥
	// MonthMinDays.
	Month bool `json:"month,omitempty"`
}

// clone returns a deep copy of c (nil stays nil).
func (c *Calendar) clone() *Calendar {
	if c == nil {
		return nil
	}
	d := *c
	d.Hours = append([]int(nil), c.Hours...)
	d.Weekdays = append([]int(nil), c.Weekdays...)
	d.Months = append([]int(nil), c.Months...)
	return &d
}

// calendarMask is a Calendar as bit sets, for encoding and counting.
type calendarMask struct {
	hours    uint32 // bit h: hour h seen
	weekdays uint8  // bit d: weekday d seen
	months   uint16 // bit m-1: month m seen
	month    bool   // month encoded
}

func (c *Calendar) mask() (calendarMask, error) {
	var m calendarMask
	var err error
	set := func(what string, vals []int, lo, hi int) uint32 {
		var b uint32
		for i, v := range vals {
			if v < lo || v > hi || (i > 0 && v <= vals[i-1]) {
				err = fmt.Errorf("calendar %s %v: want ascending values in %d..%d", what, vals, lo, hi)
				return 0
			}
			b |= 1 << (v - lo)
		}
		return b
	}
	m.hours = set("hours", c.Hours, 0, 23)
	m.weekdays = uint8(set("weekdays", c.Weekdays, 0, 6))
	m.months = uint16(set("months", c.Months, 1, 12))
	m.month = c.Month
	if err == nil && c.Days < 0 {
		err = fmt.Errorf("calendar days %d < 0", c.Days)
	}
	return m, err
}

// calendarWidth is the number of one-hot calendar features of a column.
func calendarWidth(k Kind, cal *Calendar) int {
	n := 7
	if k == KindTime {
		n += 24
	}
	if cal.Month {
		n += 12
	}
	return n
}

// calendarNames appends the names of the one-hot calendar features:
// "date#hour=0" … "date#hour=23", "date#weekday=Sun" … and
// "date#month=Jan" ….
func calendarNames(dst []string, name string, k Kind, cal *Calendar) []string {
	if k == KindTime {
		for h := range 24 {
			dst = append(dst, name+"#hour="+strconv.Itoa(h))
		}
	}
	for d := range 7 {
		dst = append(dst, name+"#weekday="+time.Weekday(d).String()[:3])
	}
	if cal.Month {
		for m := range 12 {
			dst = append(dst, name+"#month="+time.Month(m + 1).String()[:3])
		}
	}
	return dst
}

// writeCalendar writes the one-hot calendar features of t into r (which
// starts at the column and has calendarWidth slots), leaving unseen
// values all zero. r must be cleared by the caller.
func writeCalendar(r []float32, t time.Time, hour bool, m calendarMask) {
	if hour {
		if h := t.Hour(); m.hours&(1<<h) != 0 {
			r[h] = 1
		}
		r = r[24:]
	}
	if d := t.Weekday(); m.weekdays&(1<<d) != 0 {
		r[d] = 1
	}
	if mo := t.Month() - 1; m.month && m.months&(1<<mo) != 0 {
		r[7+mo] = 1
	}
}

// unseen reports which calendar parts of t training never had (only the
// parts the column encodes).
func (m calendarMask) unseen(t time.Time, hour bool) (h, wd, mo bool) {
	h = hour && m.hours&(1<<t.Hour()) == 0
	wd = m.weekdays&(1<<t.Weekday()) == 0
	mo = m.month && m.months&(1<<(t.Month()-1)) == 0
	return h, wd, mo
}

// calendarAcc accumulates the calendar values of a time or date column
// while fitting.
type calendarAcc struct {
	mask           calendarMask
	present        bool
	minDay, maxDay int64 // civil days since 1970-01-01 on the wall clock
}

func (a *calendarAcc) add(t time.Time) {
	a.mask.hours |= 1 << t.Hour()
	a.mask.weekdays |= 1 << t.Weekday()
	a.mask.months |= 1 << (t.Month() - 1)
	y, mo, d := t.Date()
	day := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	if !a.present || day < a.minDay {
		a.minDay = day
	}
	if !a.present || day > a.maxDay {
		a.maxDay = day
	}
	a.present = true
}

func (a *calendarAcc) merge(o *calendarAcc) {
	if !o.present {
		return
	}
	a.mask.hours |= o.mask.hours
	a.mask.weekdays |= o.mask.weekdays
	a.mask.months |= o.mask.months
	if !a.present || o.minDay < a.minDay {
		a.minDay = o.minDay
	}
	if !a.present || o.maxDay > a.maxDay {
		a.maxDay = o.maxDay
	}
	a.present = true
}

// calendar is the fitted Calendar of the column.
func (a *calendarAcc) calendar(k Kind) *Calendar {
	c := &Calendar{Weekdays: bitList(uint32(a.mask.weekdays), 0), Months: bitList(uint32(a.mask.months), 1)}
	if k == KindTime {
		c.Hours = bitList(a.mask.hours, 0)
	}
	if a.present {
		c.Days = int(min(a.maxDay-a.minDay+1, 1<<30))
	}
	c.Month = c.Days >= MonthMinDays
	return c
}

// bitList lists the set bits of b, each plus base, ascending.
func bitList(b uint32, base int) []int {
	var out []int
	for b != 0 {
		i := bits.TrailingZeros32(b)
		out = append(out, i+base)
		b &^= 1 << i
	}
	return out
}

// calendarNote explains a calendar encoding that leaves month out.
func calendarNote(name string, cal *Calendar) string {
	if cal == nil || cal.Month {
		return ""
	}
	return fmt.Sprintf("%s: month left out: training window spans %d days < 1 year (%d days)",
		name, cal.Days, MonthMinDays)
}
