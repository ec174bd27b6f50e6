package model

import (
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// calendarRow is the expected one-hot calendar features of a timestamp
// column without month: hour (24), weekday (7, Sunday = 0), then the
// missing indicator.
func calendarRow(hour, weekday int, missing bool) []float32 {
	r := make([]float32, 24+7+1)
	if hour >= 0 {
		r[hour] = 1
	}
	if weekday >= 0 {
		r[24+weekday] = 1
	}
	if missing {
		r[31] = 1
	}
	return r
}

// A timestamp becomes one-hot hour of day and day of week on the wall
// clock of its zone; a null row is all zeros with the indicator set.
func TestCalendarOneHot(t *testing.T) {
	tests := []struct {
		name      string
		unit      arrow.TimeUnit
		zone      string
		mul       int64
		hour, dow int
	}{
		{"seconds naive", arrow.Second, "", 1, 13, 5},
		{"millis UTC", arrow.Millisecond, "UTC", 1e3, 13, 5},
		{"micros fixed offset", arrow.Microsecond, "+05:30", 1e6, 19, 5},
		// New York is on EDT (UTC-4) since 2024-03-10.
		{"nanos New York", arrow.Nanosecond, "America/New_York", 1e9, 9, 5},
		// 13:30 UTC is 02:30 on Saturday in Auckland (NZDT, UTC+13).
		{"micros Auckland", arrow.Microsecond, "Pacific/Auckland", 1e6, 2, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecord(t, col{"ts", tsArr(tt.unit, tt.zone, []int64{friday * tt.mul, 0}, 1)})
			p, err := Fit([]string{"ts"}, FitConfig{}, rec)
			if err != nil {
				t.Fatal(err)
			}
			cal := p.Columns()[0].Calendar
			if cal == nil || !slices.Equal(cal.Hours, []int{tt.hour}) || !slices.Equal(cal.Weekdays, []int{tt.dow}) ||
				cal.Days != 1 || cal.Month {
				t.Fatalf("calendar %+v, want hour %d weekday %d, 1 day, no month", cal, tt.hour, tt.dow)
			}
			x, err := p.Transform(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := append(calendarRow(tt.hour, tt.dow, false), calendarRow(-1, -1, true)...)
			nearSlice(t, x, want, 0)
		})
	}
}

func TestCalendarFeatureNames(t *testing.T) {
	year := []int64{friday, friday + 365*86400}
	rec := newRecord(t, col{"ts", tsArr(arrow.Second, "UTC", year)}, col{"d", date32Arr([]int32{19797, 19798})})
	p, err := Fit([]string{"ts", "d"}, FitConfig{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	names := p.FeatureNames()
	if len(names) != 24+7+12+7 {
		t.Fatalf("%d features: %q", len(names), names)
	}
	for i, want := range map[int]string{0: "ts#hour=0", 23: "ts#hour=23", 24: "ts#weekday=Sun", 30: "ts#weekday=Sat",
		31: "ts#month=Jan", 42: "ts#month=Dec", 43: "d#weekday=Sun", 49: "d#weekday=Sat"} {
		if names[i] != want {
			t.Errorf("feature %d is %q, want %q", i, names[i], want)
		}
	}
}

// Calendar values training never had encode as all zeros in their group.
func TestCalendarUnseenIsZero(t *testing.T) {
	const h = 3600
	train := []int64{friday, friday + 2*h, friday + 24*h} // Fri 13:30, Fri 15:30, Sat 13:30
	p, err := Fit([]string{"ts"}, FitConfig{}, newRecord(t, col{"ts", tsArr(arrow.Second, "UTC", train)}))
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Columns()[0]; c.MissingIndicator || !slices.Equal(c.Calendar.Hours, []int{13, 15}) ||
		!slices.Equal(c.Calendar.Weekdays, []int{5, 6}) || !slices.Equal(c.Calendar.Months, []int{3}) || c.Calendar.Days != 2 {
		t.Fatalf("fitted %+v %+v", c, c.Calendar)
	}
	tests := []struct {
		name      string
		v         int64
		hour, dow int
	}{
		{"seen hour and weekday", friday + 26*h, 15, 6}, // Sat 15:30
		{"unseen hour", friday + 3*h, -1, 5},            // Fri 16:30
		{"unseen weekday", friday + 48*h, 13, -1},       // Sun 13:30
		{"both unseen", friday + 38*h, -1, -1},          // Sun 03:30
		{"unseen hour, next day", friday + 11*h, -1, 6}, // Sat 00:30
		// Tue 14 May 13:30: month is not encoded, so May is no problem.
		{"another month", friday + 60*24*h, 13, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := p.Transform(newRecord(t, col{"ts", tsArr(arrow.Second, "UTC", []int64{tt.v})}), nil)
			if err != nil {
				t.Fatal(err)
			}
			nearSlice(t, x, calendarRow(tt.hour, tt.dow, false)[:31], 0)
		})
	}
}

// Month of year is encoded only when the training values span at least
// MonthMinDays calendar days; otherwise a note says it was left out.
func TestCalendarMonthNeedsAYear(t *testing.T) {
	day := func(s string) int32 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return int32(d.Unix() / 86400)
	}
	ts := func(s string) int64 {
		d, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Unix()
	}
	tests := []struct {
		name  string
		arr   arrow.Array
		days  int
		month bool
		note  string
	}{
		{"date 365 days", date32Arr([]int32{day("2023-01-01"), day("2023-12-31")}), 365, true, ""},
		{"date 364 days", date32Arr([]int32{day("2023-01-02"), day("2023-12-31")}), 364, false,
			"c: month left out: training window spans 364 days < 1 year (365 days)"},
		// The wall clock decides: 23:30 on Dec 31 is the last day.
		{"timestamp first to last minute", tsArr(arrow.Second, "", []int64{ts("2001-01-01 00:00:00"), ts("2001-12-31 23:59:00")}), 365, true, ""},
		{"timestamp 59 days", tsArr(arrow.Second, "", []int64{ts("2001-01-01 00:00:00"), ts("2001-02-28 23:59:00")}), 59, false,
			"c: month left out: training window spans 59 days < 1 year (365 days)"},
		// 2001-12-31 20:00 in New York is 2002-01-01 01:00 UTC.
		{"timestamp zone", tsArr(arrow.Second, "America/New_York", []int64{ts("2001-01-01 05:00:00"), ts("2002-01-01 01:00:00")}), 365, true, ""},
		{"all null", tsArr(arrow.Second, "", []int64{0}, 0), 0, false,
			"c: month left out: training window spans 0 days < 1 year (365 days)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Fit([]string{"c"}, FitConfig{}, newRecord(t, col{"c", tt.arr}))
			if err != nil {
				t.Fatal(err)
			}
			cal := p.Columns()[0].Calendar
			if cal.Days != tt.days || cal.Month != tt.month {
				t.Fatalf("days %d month %v, want %d %v", cal.Days, cal.Month, tt.days, tt.month)
			}
			width := 7 + 1 // weekdays + a missing indicator for the null case
			if p.Columns()[0].Kind == KindTime {
				width += 24
			}
			if !p.Columns()[0].MissingIndicator {
				width--
			}
			if tt.month {
				width += 12
			}
			if p.NumFeatures() != width {
				t.Errorf("%d features, want %d", p.NumFeatures(), width)
			}
			var want []string
			if tt.note != "" {
				want = []string{tt.note}
			}
			if got := p.Notes(); !slices.Equal(got, want) {
				t.Errorf("notes %q, want %q", got, want)
			}
		})
	}
}

// With month encoded, a month training never had is all zeros too.
func TestCalendarUnseenMonth(t *testing.T) {
	cal := &Calendar{Weekdays: []int{0, 1, 2, 3, 4, 5, 6}, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, Days: 400, Month: true}
	p, err := NewPreprocessor([]Column{{Name: "d", Kind: KindDate, Calendar: cal}})
	if err != nil {
		t.Fatal(err)
	}
	// 2024-11-15 (a Friday) and 2024-12-13 (a Friday).
	x, err := p.Transform(newRecord(t, col{"d", date32Arr([]int32{20042, 20070})}), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float32, 2*19)
	want[5], want[7+10] = 1, 1 // Friday, November
	want[19+5] = 1             // Friday, December unseen
	nearSlice(t, x, want, 0)
}

func date32Arr(days []int32, null ...int) arrow.Array {
	b := array.NewDate32Builder(mem)
	defer b.Release()
	v := make([]arrow.Date32, len(days))
	for i, d := range days {
		v[i] = arrow.Date32(d)
	}
	b.AppendValues(v, valid(len(days), null...))
	return b.NewArray()
}
