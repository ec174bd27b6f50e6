package drift

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

// timeUnits are the raw units of temporal columns, by the name
// [Numeric.Unit] gives them.
var timeUnits = map[string]time.Duration{
	"d":  24 * time.Hour,
	"s":  time.Second,
	"ms": time.Millisecond,
	"us": time.Microsecond,
	"ns": time.Nanosecond,
}

// TimeUnit returns the raw unit of a temporal column from the name of its
// Arrow type (as [Feature.Type]): "d" for date32, "ms" for date64,
// the bracketed unit of timestamp, time32, time64 and duration
// ("timestamp[us, tz=UTC]" is "us"). ok is false for other types.
func TimeUnit(typ string) (name string, unit time.Duration, ok bool) {
	switch {
	case typ == "date32":
		name = "d"
	case typ == "date64":
		name = "ms"
	case strings.HasPrefix(typ, "timestamp["), strings.HasPrefix(typ, "time32["),
		strings.HasPrefix(typ, "time64["), strings.HasPrefix(typ, "duration["):
		name = typ[strings.IndexByte(typ, '[')+1:]
		if i := strings.IndexAny(name, ",]"); i >= 0 {
			name = name[:i]
		}
	}
	unit, ok = timeUnits[name]
	if !ok {
		return "", 0, false
	}
	return name, unit, true
}

// timeQuantity tells which quantity a temporal type measures: instants
// ("instant": timestamps and dates), times of day ("time of day") or spans
// ("duration"); "" for other types. Only columns of the same quantity
// compare, whatever their units.
func timeQuantity(dt arrow.DataType) string {
	switch dt.ID() {
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
		return "instant"
	case arrow.TIME32, arrow.TIME64:
		return "time of day"
	case arrow.DURATION:
		return "duration"
	}
	return ""
}

// convertTimeUnit converts v raw units of from to units of to. Every ratio
// of two [timeUnits] is a whole number, so this is one multiplication or
// division by it: exact but for float64 rounding (relative 1.1e-16).
func convertTimeUnit(v float64, from, to time.Duration) float64 {
	if from >= to {
		return v * float64(from/to)
	}
	return v / float64(to/from)
}

// WassersteinText formats the Wasserstein-1 distance of f for people: four
// significant digits for numbers ("11.33"), a duration for time columns,
// converted from the column's raw unit ([Numeric.Unit], else the one
// of its type, for reports saved before the unit was recorded): days with
// one decimal from one day ("31.0d"), a Go duration below ("5h32m10s",
// "1.5s"). "-" when f has no numeric statistics.
func (f Feature) WassersteinText() string {
	n := f.Numeric
	if n == nil {
		return "-"
	}
	name := n.Unit
	if name == "" && f.Kind == "temporal" {
		name, _, _ = TimeUnit(f.Type)
	}
	unit, ok := timeUnits[name]
	if !ok {
		return fmt.Sprintf("%.4g", n.Wasserstein)
	}
	return SpanText(n.Wasserstein * float64(unit) / float64(time.Second))
}

// DistanceTexts formats f's KS statistic ("0.0088") and Wasserstein-1
// distance (see [Feature.WassersteinText]) for people, each with its
// error bound when it comes from quantile sketches ("0.0095 ±0.0071",
// "12.62 ±34.93"); "-" and "-" for a feature without numeric statistics
// or with an empty side.
func (f Feature) DistanceTexts() (ks, w1 string) {
	n := f.Numeric
	if n == nil || n.Reference.Count == 0 || n.Current.Count == 0 {
		return "-", "-"
	}
	ks, w1 = fmt.Sprintf("%.4f", n.KS), f.WassersteinText()
	if n.KSError > 0 {
		ks += fmt.Sprintf(" ±%.2g", n.KSError)
	}
	if n.WassersteinError > 0 {
		bound := *n
		bound.Wasserstein = n.WassersteinError
		g := f
		g.Numeric = &bound
		w1 += " ±" + g.WassersteinText()
	}
	return ks, w1
}

// SpanText formats a span of sec seconds for people: "31.0d" from one day,
// else a Go duration rounded to about four significant digits
// ("23h59m59s", "12.346s", "1.5ms"); a negative span gets a minus sign
// ("-2.5ms").
func SpanText(sec float64) string {
	if sec < 0 {
		return "-" + SpanText(-sec)
	}
	if sec < 86400 {
		d := time.Duration(math.Round(sec * 1e9))
		switch {
		case d >= time.Minute:
			d = d.Round(time.Second)
		case d >= time.Second:
			d = d.Round(time.Millisecond)
		case d >= time.Millisecond:
			d = d.Round(time.Microsecond)
		}
		if d < 24*time.Hour {
			return d.String()
		}
	}
	return strconv.FormatFloat(sec/86400, 'f', 1, 64) + "d"
}
