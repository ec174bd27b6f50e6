package drift

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"github.com/refit-ml/refit/validate/profile"
)

// TestDriftTimeUnits shifts a time column by a known span: W1 equals the
// shift in the column's raw unit, Unit names that unit, WassersteinSeconds
// and WassersteinText convert it whatever the type.
func TestDriftTimeUnits(t *testing.T) {
	const month = 31 * 24 * 60 * 60 // seconds
	tests := []struct {
		dt       arrow.DataType
		step     int64 // between reference values, raw units
		shift    int64 // of the current values, raw units
		unit     string
		seconds  float64
		wantText string
	}{
		{&arrow.TimestampType{Unit: arrow.Second}, 3600, month, "s", month, "31.0d"},
		{&arrow.TimestampType{Unit: arrow.Millisecond}, 3600e3, month * 1e3, "ms", month, "31.0d"},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, 3600e6, month * 1e6, "us", month, "31.0d"},
		{&arrow.TimestampType{Unit: arrow.Nanosecond}, 3600e9, 36 * 3600e9, "ns", 36 * 3600, "1.5d"},
		{arrow.FixedWidthTypes.Date32, 1, 31, "d", month, "31.0d"},
		{arrow.FixedWidthTypes.Date64, 86400e3, month * 1e3, "ms", month, "31.0d"},
		{arrow.FixedWidthTypes.Time32ms, 1000, 90 * 60e3, "ms", 90 * 60, "1h30m0s"},
		{arrow.FixedWidthTypes.Time64us, 1000, 1500, "us", 0.0015, "1.5ms"},
		{arrow.FixedWidthTypes.Duration_s, 1, 45, "s", 45, "45s"},
	}
	for _, tt := range tests {
		t.Run(tt.dt.String(), func(t *testing.T) {
			f := driftOf(t, timeProfile(t, tt.dt, 0, tt.step), timeProfile(t, tt.dt, tt.shift, tt.step))
			n := f.Numeric
			vtest.Eq(t, "kind", f.Kind, "temporal")
			vtest.Eq(t, "unit", n.Unit, tt.unit)
			vtest.Near(t, "wasserstein", n.Wasserstein, float64(tt.shift), 1e-9*float64(tt.shift))
			if n.WassersteinSeconds == nil {
				t.Fatal("wasserstein_seconds missing")
			}
			vtest.Near(t, "wasserstein seconds", *n.WassersteinSeconds, tt.seconds, 1e-9*tt.seconds)
			vtest.Eq(t, "text", f.WassersteinText(), tt.wantText)
		})
	}
	t.Run("numeric", func(t *testing.T) {
		n := driftOf(t, floatProfile(t, []float64{1, 2, 3}), floatProfile(t, []float64{4, 5, 6})).Numeric
		if n.Unit != "" || n.WassersteinSeconds != nil {
			t.Errorf("numeric column: unit %q, seconds %v; want none", n.Unit, n.WassersteinSeconds)
		}
	})
}

// timeProfile profiles 100 values shift + i·step of type dt as column "x".
func timeProfile(t *testing.T, dt arrow.DataType, shift, step int64) *profile.Profile {
	t.Helper()
	b := array.NewBuilder(memory.DefaultAllocator, dt)
	defer b.Release()
	for i := range int64(100) {
		v := shift + i*step
		switch b := b.(type) {
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v))
		case *array.Date32Builder:
			b.Append(arrow.Date32(v))
		case *array.Date64Builder:
			b.Append(arrow.Date64(v))
		case *array.Time32Builder:
			b.Append(arrow.Time32(v))
		case *array.Time64Builder:
			b.Append(arrow.Time64(v))
		case *array.DurationBuilder:
			b.Append(arrow.Duration(v))
		default:
			t.Fatalf("no builder for %s", dt)
		}
	}
	arr := b.NewArray()
	defer arr.Release()
	return columnProfile(t, "x", arr)
}

// TestWassersteinText covers numbers, the rounding of durations, and
// reports saved without a unit (the unit then comes from the type).
func TestWassersteinText(t *testing.T) {
	temporal := func(typ, unit string, w float64) Feature {
		return Feature{Type: typ, Kind: "temporal", Numeric: &Numeric{Unit: unit, Wasserstein: w}}
	}
	tests := []struct {
		name string
		f    Feature
		want string
	}{
		{"numeric", Feature{Type: "int64", Kind: "numeric", Numeric: &Numeric{Wasserstein: 11.333333}}, "11.33"},
		{"numeric large", Feature{Type: "double", Kind: "numeric", Numeric: &Numeric{Wasserstein: 2.6784e12}}, "2.678e+12"},
		{"categorical", Feature{Type: "utf8", Kind: "categorical"}, "-"},
		{"zero", temporal("timestamp[us]", "us", 0), "0s"},
		{"days", temporal("timestamp[us]", "us", 2.6784e12), "31.0d"},
		{"one day", temporal("timestamp[ns]", "ns", float64(24*time.Hour)), "1.0d"},
		{"rounds up to a day", temporal("timestamp[ms]", "ms", 86399.9e3), "1.0d"},
		{"hours", temporal("timestamp[ms]", "ms", 5*3600e3+32*60e3+10.4e3), "5h32m10s"},
		{"seconds", temporal("timestamp[ns]", "ns", 12.3456789e9), "12.346s"},
		{"milliseconds", temporal("timestamp[ns]", "ns", 1.2345678e6), "1.235ms"},
		{"nanoseconds", temporal("timestamp[ns]", "ns", 850), "850ns"},
		{"half a day", temporal("date32", "d", 0.5), "12h0m0s"},
		{"saved without unit", temporal("timestamp[us, tz=Europe/Paris]", "", 2.6784e12), "31.0d"},
		{"saved date32 without unit", temporal("date32", "", 45.25), "45.2d"},
		{"unknown type without unit", temporal("interval_month_day_nano", "", 3), "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vtest.Eq(t, "text", tt.f.WassersteinText(), tt.want)
		})
	}
}

// TestSpanText covers the sign and the switch to days of SpanText, which
// reports also use for duration values.
func TestSpanText(t *testing.T) {
	tests := []struct {
		sec  float64
		want string
	}{
		{0, "0s"},
		{1.5, "1.5s"},
		{-1.5, "-1.5s"},
		{-0.0025, "-2.5ms"},
		{5400, "1h30m0s"},
		{-5400, "-1h30m0s"},
		{86400, "1.0d"},
		{-3 * 86400, "-3.0d"},
	}
	for _, tt := range tests {
		vtest.Eq(t, strconv.FormatFloat(tt.sec, 'g', -1, 64), SpanText(tt.sec), tt.want)
	}
}

// TestTimeUnit checks the unit read from every temporal Arrow type's name.
func TestTimeUnit(t *testing.T) {
	tests := []struct {
		dt   arrow.DataType
		want string
	}{
		{arrow.FixedWidthTypes.Date32, "d"},
		{arrow.FixedWidthTypes.Date64, "ms"},
		{arrow.FixedWidthTypes.Time32s, "s"},
		{arrow.FixedWidthTypes.Time32ms, "ms"},
		{arrow.FixedWidthTypes.Time64us, "us"},
		{arrow.FixedWidthTypes.Time64ns, "ns"},
		{arrow.FixedWidthTypes.Timestamp_s, "s"},
		{arrow.FixedWidthTypes.Timestamp_ms, "ms"},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, "us"},
		{&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "America/New_York"}, "ns"},
		{arrow.FixedWidthTypes.Duration_ms, "ms"},
		{arrow.PrimitiveTypes.Int64, ""},
		{arrow.BinaryTypes.String, ""},
	}
	for _, tt := range tests {
		t.Run(tt.dt.String(), func(t *testing.T) {
			name, unit, ok := TimeUnit(tt.dt.String())
			vtest.Eq(t, "unit", name, tt.want)
			vtest.Eq(t, "ok", ok, tt.want != "")
			if ok && profile.KindOf(tt.dt) != profile.KindTemporal {
				t.Errorf("%s has a unit but is not temporal", tt.dt)
			}
			if ok && unit <= 0 {
				t.Errorf("unit %s lasts %v", name, unit)
			}
		})
	}
}

// TestDriftMixedTimeUnits compares time columns whose reference and current
// types have different units, both ways round: the current values are
// converted to the reference's unit, so the same instants do not drift and
// a known shift gives W1 equal to it. Time columns of different kinds
// (instants, times of day, durations) do not compare: the type changed.
func TestDriftMixedTimeUnits(t *testing.T) {
	const day = 86400 // seconds
	tests := []struct {
		ref, cur         arrow.DataType
		refStep, curStep int64   // the same span in each side's raw unit
		shift            int64   // of the current values, its raw unit
		unit             string  // of the report: the reference's
		wantW1           float64 // the shift in the reference's unit
		seconds          float64
	}{
		{arrow.FixedWidthTypes.Timestamp_ms, &arrow.TimestampType{Unit: arrow.Microsecond}, 3600e3, 3600e6, day * 1e6, "ms", day * 1e3, day},
		{&arrow.TimestampType{Unit: arrow.Microsecond}, arrow.FixedWidthTypes.Timestamp_ms, 3600e6, 3600e3, day * 1e3, "us", day * 1e6, day},
		{&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, arrow.FixedWidthTypes.Timestamp_s, 3600e9, 3600, 90, "ns", 90e9, 90},
		{arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Timestamp_s, 1, day, 2 * day, "d", 2, 2 * day},
		{arrow.FixedWidthTypes.Timestamp_s, arrow.FixedWidthTypes.Date32, day, 1, 2, "s", 2 * day, 2 * day},
		{arrow.FixedWidthTypes.Date32, &arrow.TimestampType{Unit: arrow.Nanosecond}, 1, day * 1e9, day * 1e9 / 2, "d", 0.5, day / 2},
		{arrow.FixedWidthTypes.Date64, arrow.FixedWidthTypes.Date32, day * 1e3, 1, 3, "ms", 3 * day * 1e3, 3 * day},
		{arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64, 1, day * 1e3, 3 * day * 1e3, "d", 3, 3 * day},
		{arrow.FixedWidthTypes.Time32ms, arrow.FixedWidthTypes.Time64ns, 1000, 1e9, 1.5e9, "ms", 1500, 1.5},
		{arrow.FixedWidthTypes.Time64ns, arrow.FixedWidthTypes.Time32ms, 1e9, 1000, 1500, "ns", 1.5e9, 1.5},
		{arrow.FixedWidthTypes.Duration_s, arrow.FixedWidthTypes.Duration_ms, 1, 1000, 45e3, "s", 45, 45},
		{arrow.FixedWidthTypes.Duration_ms, arrow.FixedWidthTypes.Duration_s, 1000, 1, 45, "ms", 45e3, 45},
	}
	for _, tt := range tests {
		t.Run(tt.ref.String()+" vs "+tt.cur.String(), func(t *testing.T) {
			ref := timeProfile(t, tt.ref, 0, tt.refStep)

			same := driftOf(t, ref, timeProfile(t, tt.cur, 0, tt.curStep))
			vtest.Eq(t, "verdict", same.Verdict, validate.VerdictOK)
			vtest.Eq(t, "unit", same.Numeric.Unit, tt.unit)
			vtest.Eq(t, "psi", same.PSI, 0.0)
			vtest.Eq(t, "ks", same.Numeric.KS, 0.0)
			vtest.Eq(t, "wasserstein", same.Numeric.Wasserstein, 0.0)
			vtest.Eq(t, "current mean", same.Numeric.Current.Mean, same.Numeric.Reference.Mean)
			vtest.Eq(t, "histogram", same.Numeric.Histogram.Current, same.Numeric.Histogram.Reference)
			vtest.Eq(t, "histogram top", same.Numeric.Histogram.Edges[len(same.Numeric.Histogram.Edges)-1], float64(99*tt.refStep))
			wantNotes := 1
			if timeQuantity(tt.ref) == "instant" {
				wantNotes = 2 // and "instants move with the clock"
			}
			if len(same.Notes) != wantNotes || !strings.Contains(same.Notes[0], tt.cur.String()) {
				t.Errorf("notes %q: want one naming the current type %s, then the instants note", same.Notes, tt.cur)
			}

			n := driftOf(t, ref, timeProfile(t, tt.cur, tt.shift, tt.curStep)).Numeric
			vtest.Eq(t, "unit", n.Unit, tt.unit)
			vtest.Near(t, "wasserstein", n.Wasserstein, tt.wantW1, 1e-9*tt.wantW1)
			vtest.Near(t, "wasserstein seconds", *n.WassersteinSeconds, tt.seconds, 1e-9*tt.seconds)
			vtest.Near(t, "mean change", n.Current.Mean-n.Reference.Mean, tt.wantW1, 1e-9*tt.wantW1)
			vtest.Near(t, "current std", n.Current.Std, n.Reference.Std, 1e-9*n.Reference.Std)
		})
	}
}

// TestDriftTimeKindChanged: instants, times of day and durations are
// different quantities whatever their units, so a column that changes from
// one to another gets the type-change alert, both ways round.
func TestDriftTimeKindChanged(t *testing.T) {
	types := []arrow.DataType{
		&arrow.TimestampType{Unit: arrow.Microsecond}, arrow.FixedWidthTypes.Date32,
		arrow.FixedWidthTypes.Time64us, arrow.FixedWidthTypes.Duration_us,
	}
	for _, a := range types {
		for _, b := range types {
			instants := func(dt arrow.DataType) bool { return dt.ID() == arrow.TIMESTAMP || dt.ID() == arrow.DATE32 }
			if a == b || instants(a) && instants(b) {
				continue
			}
			t.Run(a.String()+" vs "+b.String(), func(t *testing.T) {
				f := driftOf(t, timeProfile(t, a, 0, 1), timeProfile(t, b, 0, 1))
				vtest.Eq(t, "verdict", f.Verdict, validate.VerdictAlert)
				if f.Numeric != nil {
					t.Errorf("compared %s with %s: %+v", a, b, f.Numeric)
				}
				vtest.Eq(t, "notes", f.Notes, []string{"type changed from " + a.String() + " to " + b.String()})
			})
		}
	}
}

// TestDistanceTexts checks that sketched KS and W1 carry their bounds and
// exact ones do not.
func TestDistanceTexts(t *testing.T) {
	n := &Numeric{KS: 0.00956, Wasserstein: 12.623, Reference: MomentSummary{Count: 1}, Current: MomentSummary{Count: 1}}
	f := Feature{Kind: "numeric", Numeric: n}
	if ks, w1 := f.DistanceTexts(); ks != "0.0096" || w1 != "12.62" {
		t.Errorf("exact: %q %q", ks, w1)
	}
	n.KSError, n.WassersteinError = 0.00708, 34.934
	if ks, w1 := f.DistanceTexts(); ks != "0.0096 ±0.0071" || w1 != "12.62 ±34.93" {
		t.Errorf("sketched: %q %q", ks, w1)
	}
	if ks, w1 := (Feature{Kind: "categorical"}).DistanceTexts(); ks != "-" || w1 != "-" {
		t.Errorf("categorical: %q %q", ks, w1)
	}
}
