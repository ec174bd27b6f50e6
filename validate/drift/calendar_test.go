package drift

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"github.com/refit-ml/refit/validate/profile"
)

// hourlyProfile profiles one naive timestamp[us] column "date" with a value
// every hour of days [first, first+days) at the hours keep accepts.
func hourlyProfile(t *testing.T, first time.Time, days int, keep func(h int) bool) *profile.Profile {
	t.Helper()
	dt := &arrow.TimestampType{Unit: arrow.Microsecond}
	b := array.NewTimestampBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	for d := range days {
		for h := range 24 {
			if keep(h) {
				b.Append(arrow.Timestamp(first.AddDate(0, 0, d).Add(time.Duration(h) * time.Hour).UnixMicro()))
			}
		}
	}
	b.AppendNull()
	arr := b.NewArray()
	defer arr.Release()
	return columnProfile(t, "date", arr)
}

func allHours(int) bool { return true }

func featureNamed(t *testing.T, r *Report, name string) Feature {
	t.Helper()
	for _, f := range r.Features {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no feature %q in %d features", name, len(r.Features))
	return Feature{}
}

// TestCalendarCounts: 2001-01-01 was a Monday; two weeks of hourly values
// give 14 per hour and 48 per weekday, and the null is not counted.
func TestCalendarCounts(t *testing.T) {
	p := hourlyProfile(t, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), 15, allHours)
	c := p.Columns[0].Calendar
	if c == nil {
		t.Fatal("no calendar for a timestamp column")
	}
	for _, n := range c.Hours {
		vtest.Eq(t, "per hour", n, int64(15))
	}
	// 15 days from Monday: Mondays 3, every other weekday 2.
	want := []int64{2 * 24, 3 * 24, 2 * 24, 2 * 24, 2 * 24, 2 * 24, 2 * 24}
	vtest.Eq(t, "weekdays", c.Weekdays, want)

	// Before 1970 the floor division keeps hours and weekdays right:
	// 1969-12-31 23:00 was a Wednesday.
	old := hourlyProfile(t, time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), 1, func(h int) bool { return h == 23 })
	vtest.Eq(t, "1969 hour", old.Columns[0].Calendar.Hours[23], int64(1))
	vtest.Eq(t, "1969 weekday", old.Columns[0].Calendar.Weekdays[time.Wednesday], int64(1))
}

// TestDriftIgnoresTheClock: the same hourly pattern a month later moves
// the instants by 31 days but not their hours or weekdays, so nothing
// drifts; the same month with flights only from 06:00 to 17:59 drifts on
// the hour and nowhere else.
func TestDriftIgnoresTheClock(t *testing.T) {
	jan := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	ref := hourlyProfile(t, jan, 14, allHours)
	later := hourlyProfile(t, jan.AddDate(0, 0, 28+3*7), 14, allHours) // whole weeks later

	r, err := Compare(context.Background(), ref, later, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "verdict", r.Verdict, validate.VerdictOK)
	raw := featureNamed(t, r, "date")
	if raw.Numeric == nil || raw.Numeric.Wasserstein <= 0 || raw.PSI < 1 {
		t.Errorf("raw instants: W1 %v, PSI %v: want the move still reported", raw.Numeric, raw.PSI)
	}
	vtest.Eq(t, "hour psi", featureNamed(t, r, "date#hour").PSI, 0.0)
	vtest.Eq(t, "weekday psi", featureNamed(t, r, "date#weekday").PSI, 0.0)

	day := hourlyProfile(t, jan.AddDate(0, 0, 49), 14, func(h int) bool { return h >= 6 && h < 18 })
	r, err = Compare(context.Background(), ref, day, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "verdict", r.Verdict, validate.VerdictAlert)
	hour := featureNamed(t, r, "date#hour")
	vtest.Eq(t, "hour verdict", hour.Verdict, validate.VerdictAlert)
	vtest.Eq(t, "first ranked", r.Features[0].Name, "date#hour")
	// scipy 1.10: chi2_contingency([[14]*24, [0]*6+[14]*12+[0]*6] without
	// the empty columns, correction=False) = 126.0, dof 23;
	// jensenshannon(base=2) = 0.5579230452841438; PSI with empty shares
	// at 1e-4: 3.355478117244137.
	vtest.Near(t, "chi-square", hour.Categorical.ChiSquare, 126.0, 1e-9)
	vtest.Eq(t, "dof", hour.Categorical.DOF, 23)
	vtest.Near(t, "js", hour.JS, 0.5579230452841438, 1e-12)
	vtest.Near(t, "psi", hour.PSI, 3.355478117244137, 1e-9)
	vtest.Eq(t, "weekday verdict", featureNamed(t, r, "date#weekday").Verdict, validate.VerdictOK)
	vtest.Eq(t, "vanished hours", len(hour.Categorical.Vanished), 12)
}

// TestCalendarJSON: calendars survive a round trip and merge; a profile
// saved before calendars existed decodes without one, and drift then says
// so instead of judging the instants by their range.
func TestCalendarJSON(t *testing.T) {
	jan := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	p := hourlyProfile(t, jan, 7, allHours)
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := profile.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "weekdays", back.Columns[0].Calendar.Weekdays, p.Columns[0].Calendar.Weekdays)
	if err := back.Merge(p); err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "merged hour 0", back.Columns[0].Calendar.Hours[0], int64(14))

	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	col := raw["columns"].([]any)[0].(map[string]any)
	delete(col, "calendar")
	oldData, _ := json.Marshal(raw)
	old, err := profile.Decode(oldData)
	if err != nil {
		t.Fatalf("a profile without calendar counts: %v", err)
	}
	if old.Columns[0].Calendar != nil {
		t.Fatal("decoded a calendar that was not saved")
	}
	r, err := Compare(context.Background(), old, hourlyProfile(t, jan.AddDate(0, 2, 0), 7, allHours), Options{})
	if err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "verdict without calendars", r.Verdict, validate.VerdictOK)
	vtest.Eq(t, "features", len(r.Features), 1)

	col["calendar"] = map[string]any{"hours": make([]int, 24), "weekdays": []int{1, 2, 3, 4, 5, 6, 1000}}
	bad, _ := json.Marshal(raw)
	if _, err := profile.Decode(bad); err == nil {
		t.Error("calendar counts above the column's count decoded")
	}
}

// BenchmarkCalendar profiles a column of 1e6 naive timestamps with and
// without the calendar counts, in the same run: the counts' cost relative
// to the rest of the column's profile.
func BenchmarkCalendar(b *testing.B) {
	dt := &arrow.TimestampType{Unit: arrow.Microsecond}
	bld := array.NewTimestampBuilder(memory.DefaultAllocator, dt)
	start := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := range int64(1_000_000) {
		bld.Append(arrow.Timestamp(start + i*2_593_000)) // ~30 days over 1e6 rows
	}
	arr := bld.NewArray()
	defer arr.Release()
	bld.Release()
	for _, calendar := range []bool{false, true} {
		b.Run(fmt.Sprintf("rows=1e6/calendar=%v", calendar), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := profile.NewColumn("date", dt, profile.Options{})
				if !calendar {
					c.Calendar = nil
				}
				if err := c.Add(arr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
