package onnx

import (
	"fmt"
	"math"
	"time"

	pb "github.com/refit-ml/refit/export/onnx/internal/onnxpb"
	"github.com/refit-ml/refit/model"
)

const (
	usPerSecond = 1_000_000
	usPerMinute = 60 * usPerSecond
	usPerHour   = 60 * usPerMinute
	usPerDay    = 24 * usPerHour
)

// calendarParts are the int64 [N, 1] tensors of a time or date column's
// wall clock: days since 1970-01-01, and for timestamps the microseconds
// into the day. Both are 0 where the value is missing.
type calendarParts struct {
	h          string // hint
	miss       string // bool [N, 1]
	days, usOf string
}

// encodeTime: a timestamp is int64 microseconds since the epoch, a date
// int64 days since the epoch; math.MinInt64 is missing. The wall clock is
// the timestamp plus the column's fixed zone offset (0 for naive
// timestamps); integer Mod (with the sign of the divisor) and Div give the
// day, hour, weekday and month.
func encodeTime(b *builder, c model.Column) ([]string, error) {
	off, err := zoneOffset(c.Zone)
	if err != nil {
		return nil, fmt.Errorf("%w: column %q: %w", ErrUnsupported, c.Name, err)
	}
	p := calendarParts{h: c.Name}
	p.miss = b.op("Equal", p.h+"/missing", []string{c.Name, b.i64("min_int64", scalar, math.MinInt64)})
	zero := b.i64("zero", scalar, 0)
	if c.Kind == model.KindDate {
		input(b, c.Name, "date, int64 days since 1970-01-01; missing: -9223372036854775808 (math.MinInt64)", pb.TensorProto_INT64)
		p.days = b.op("Where", p.h+"/days", []string{p.miss, zero, c.Name})
	} else {
		doc := "timestamp, int64 microseconds since 1970-01-01 00:00:00"
		if c.Zone == "" {
			doc += " of the naive wall clock (as if UTC)"
		} else {
			doc += " UTC, read on the wall clock of " + c.Zone
		}
		input(b, c.Name, doc+"; missing: -9223372036854775808 (math.MinInt64)", pb.TensorProto_INT64)
		local := b.op("Where", p.h+"/present", []string{p.miss, zero, c.Name})
		if off != 0 {
			local = b.op("Add", p.h+"/local", []string{local, b.i64("zone_offset", scalar, off*usPerSecond)})
		}
		day := b.i64("us_per_day", scalar, usPerDay)
		p.usOf = b.op("Mod", p.h+"/time_of_day", []string{local, day}, attrInt("fmod", 0))
		p.days = b.op("Div", p.h+"/days", []string{b.op("Sub", p.h+"/midnight", []string{local, p.usOf}), day})
	}
	var feats []string
	if c.Calendar != nil {
		feats = oneHotCalendar(b, p, c)
	} else {
		feats = cyclicCalendar(b, p, c.Kind == model.KindTime)
	}
	if c.MissingIndicator {
		feats = append(feats, cast(b, p.miss, pb.TensorProto_FLOAT))
	}
	return feats, nil
}

// zoneOffset is the offset in seconds of a zone refit's preprocessing
// accepts: "" (naive), "UTC" or a fixed offset. Zones with daylight
// saving time would need the time zone database in the graph.
func zoneOffset(zone string) (int64, error) {
	switch zone {
	case "", "UTC", "Etc/UTC", "Z", "GMT", "Etc/GMT":
		return 0, nil
	}
	if zone[0] == '+' || zone[0] == '-' {
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, zone); err == nil {
				_, off := t.Zone()
				return int64(off), nil
			}
		}
	}
	return 0, fmt.Errorf("time zone %q: only naive timestamps, UTC and fixed offsets (+hh:mm) can be exported", zone)
}

// code maps the int64 calendar part v (lo…lo+n−1) to its one-hot index
// v−lo, or to n (all zeros) where training never had the value (a Gather
// from a table, left out when training had every value) or the timestamp
// is missing.
func (p calendarParts) code(b *builder, hint, v string, seen []int, lo, n int) string {
	if lo != 0 {
		v = b.op("Sub", hint, []string{v, b.i64("c", scalar, int64(lo))})
	}
	if len(seen) < n {
		table := make([]int64, n)
		for i := range table {
			table[i] = int64(n)
		}
		for _, s := range seen {
			if s >= lo && s < lo+n {
				table[s-lo] = int64(s - lo)
			}
		}
		v = b.op("Gather", hint, []string{b.i64(hint+"/seen", []int64{int64(n)}, table...), v})
	}
	return b.op("Where", hint, []string{p.miss, b.i64("c", scalar, int64(n)), v})
}

// oneHotCalendar: hour of day (24), day of week (7, Sunday first), month
// (12, if the calendar has it), each value training never had as zeros.
func oneHotCalendar(b *builder, p calendarParts, c model.Column) []string {
	cal := c.Calendar
	var feats []string
	if c.Kind == model.KindTime {
		hour := b.op("Div", p.h+"/hour", []string{p.usOf, b.i64("us_per_hour", scalar, usPerHour)})
		feats = append(feats, oneHot(b, p.h+"/hour_onehot", p.code(b, p.h+"/hour_code", hour, cal.Hours, 0, 24), 24))
	}
	feats = append(feats, oneHot(b, p.h+"/weekday_onehot", p.code(b, p.h+"/weekday_code", weekday(b, p), cal.Weekdays, 0, 7), 7))
	if cal.Month {
		// month0 is 0-based: shift the seen months by one
		seen := make([]int, len(cal.Months))
		for i, m := range cal.Months {
			seen[i] = m - 1
		}
		feats = append(feats, oneHot(b, p.h+"/month_onehot", p.code(b, p.h+"/month_code", month0(b, p), seen, 0, 12), 12))
	}
	return feats
}

// weekday is (days + 4) mod 7, 0 = Sunday: 1970-01-01 was a Thursday.
func weekday(b *builder, p calendarParts) string {
	d := b.op("Add", p.h+"/days4", []string{p.days, b.i64("four", scalar, 4)})
	return b.op("Mod", p.h+"/weekday", []string{d, b.i64("seven", scalar, 7)}, attrInt("fmod", 0))
}

// month0 is the month (0 = January … 11) of days since 1970-01-01, by Howard Hinnant's
// civil_from_days on non-negative integers: the day of the 400-year era
// (Mod with the sign of the divisor), the year of the era, the day of the
// year starting in March, the month starting in March.
func month0(b *builder, p calendarParts) string {
	h := p.h + "/month"
	c := func(v int64) string { return b.i64("c", scalar, v) }
	op := func(o string, x, y string) string { return b.op(o, h, []string{x, y}) }
	z := op("Add", p.days, c(719468))
	doe := b.op("Mod", h+"/day_of_era", []string{z, c(146097)}, attrInt("fmod", 0))
	// yoe = (doe − doe/1460 + doe/36524 − doe/146096) / 365
	y := op("Sub", doe, op("Div", doe, c(1460)))
	y = op("Add", y, op("Div", doe, c(36524)))
	y = op("Sub", y, op("Div", doe, c(146096)))
	yoe := op("Div", y, c(365))
	// doy = doe − (365·yoe + yoe/4 − yoe/100)
	s := op("Add", op("Mul", yoe, c(365)), op("Div", yoe, c(4)))
	s = op("Sub", s, op("Div", yoe, c(100)))
	doy := op("Sub", doe, s)
	// mp = (5·doy + 2)/153; month0 = (mp + 2) mod 12
	mp := op("Div", op("Add", op("Mul", doy, c(5)), c(2)), c(153))
	return b.op("Mod", h, []string{op("Add", mp, c(2)), c(12)}, attrInt("fmod", 0))
}

// cyclicCalendar is the sin/cos encoding of models of format version 1:
// sin and cos of 2π·(hour + minute/60 + second/3600)/24, 2π·weekday/7
// and 2π·(month−1)/12, computed in float64 as refit does; missing values
// encode as zeros.
func cyclicCalendar(b *builder, p calendarParts, hour bool) []string {
	var feats []string
	f := func(x string) string { return cast(b, x, pb.TensorProto_DOUBLE) }
	d := func(v float64) string { return b.f64("c", scalar, v) }
	op := func(o string, x, y string) string { return b.op(o, p.h+"/cyclic", []string{x, y}) }
	i := func(v int64) string { return b.i64("c", scalar, v) }
	if hour {
		h := op("Div", p.usOf, i(usPerHour))
		m := op("Div", b.op("Mod", p.h+"/cyclic", []string{p.usOf, i(usPerHour)}, attrInt("fmod", 0)), i(usPerMinute))
		s := op("Div", b.op("Mod", p.h+"/cyclic", []string{p.usOf, i(usPerMinute)}, attrInt("fmod", 0)), i(usPerSecond))
		frac := op("Add", op("Add", f(h), op("Div", f(m), d(60))), op("Div", f(s), d(3600)))
		feats = append(feats, sinCos(b, p, op("Div", frac, d(24)))...)
	}
	feats = append(feats, sinCos(b, p, op("Div", f(weekday(b, p)), d(7)))...)
	return append(feats, sinCos(b, p, op("Div", f(month0(b, p)), d(12)))...)
}

// sinCos returns sin and cos of 2π·frac as float32, zero where missing.
func sinCos(b *builder, p calendarParts, frac string) []string {
	angle := b.op("Mul", p.h+"/angle", []string{b.f64("two_pi", scalar, 2*math.Pi), frac})
	zero := b.f32("zero", scalar, 0)
	var out []string
	for _, fn := range []string{"Sin", "Cos"} {
		v := cast(b, b.op(fn, p.h+"/"+fn, []string{angle}), pb.TensorProto_FLOAT)
		out = append(out, b.op("Where", p.h+"/"+fn, []string{p.miss, zero, v}))
	}
	return out
}
