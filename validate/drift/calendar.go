package drift

import (
	"fmt"

	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/profile"
)

// weekdayNames label the weekday bins of profile.Calendar.Weekdays.
var weekdayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// Calendar feature suffixes: an instant column "date" drifts as the
// features "date#hour" and "date#weekday".
const (
	CalendarHour    = "#hour"
	CalendarWeekday = "#weekday"
)

// isInstant reports whether a column holds instants (timestamps, dates):
// values that move with the clock.
func isInstant(c *profile.Column) bool { return timeQuantity(c.Type) == "instant" }

// judgeInstant turns the raw comparison of an instant column into
// information: its range moves with the clock in every new batch, so only
// a type change or a null-rate change gives it a verdict. Its calendar
// features carry the drift verdict instead.
func judgeInstant(f *Feature, rc, cc *profile.Column, o Options) {
	if cc == nil || f.Kind != "temporal" || len(f.Notes) > 0 && f.Numeric == nil {
		return // missing or a type change: keep the alert
	}
	f.Verdict = o.nullVerdict(f.Nulls.Change)
	f.Score = 0 // the PSI of a moved range ranks nothing
	if rc.Calendar == nil || cc.Calendar == nil {
		f.Notes = append(f.Notes, "instants move with the clock: not judged by their range; "+
			"calendar counts missing (a profile saved by an older refit), so hour and weekday drift were not measured")
		return
	}
	f.Notes = append(f.Notes, fmt.Sprintf("instants move with the clock: not judged by their range but by %s%s and %s%s",
		f.Name, CalendarHour, f.Name, CalendarWeekday))
}

// calendarDrift compares the hour and weekday distributions of an instant
// column; none when either side lacks calendar counts.
func calendarDrift(rc, cc *profile.Column, o Options) []Feature {
	if cc == nil || rc.Calendar == nil || cc.Calendar == nil || !isInstant(cc) {
		return nil
	}
	var out []Feature
	if rc.Calendar.Hours != nil && cc.Calendar.Hours != nil {
		labels := make([]string, 24)
		for h := range labels {
			labels[h] = fmt.Sprintf("%02d", h)
		}
		out = append(out, countsDrift(rc.Name+CalendarHour, "hour of day", labels, rc.Calendar.Hours, cc.Calendar.Hours, o))
	}
	out = append(out, countsDrift(rc.Name+CalendarWeekday, "day of week", weekdayNames[:], rc.Calendar.Weekdays, cc.Calendar.Weekdays, o))
	return out
}

// calendarNoiseP is the chi-square p-value at or above which a calendar
// feature's PSI is taken for sampling noise. With 24 hour bins PSI is
// biased upwards by about 23·(1/n + 1/m): on a few hundred rows a month it
// crosses 0.1 by chance, while on real volumes any PSI past the threshold
// has a p-value far below this.
const calendarNoiseP = 0.001

// countsDrift compares two exact count vectors over the same labelled bins
// as a categorical feature: PSI, Jensen–Shannon and chi-square, all exact.
func countsDrift(name, typ string, labels []string, ref, cur []int64, o Options) Feature {
	f := Feature{Name: name, Type: typ, Kind: "calendar"}
	rf, cf := make([]float64, len(ref)), make([]float64, len(cur))
	var nr, nc float64
	for i := range ref {
		rf[i], cf[i] = float64(ref[i]), float64(cur[i])
		nr, nc = nr+rf[i], nc+cf[i]
	}
	d := &Categorical{Exact: true, Bins: len(labels)}
	f.Categorical = d
	if nr == 0 || nc == 0 {
		if nr != nc {
			f.Verdict = validate.VerdictAlert
			f.Notes = append(f.Notes, "no values on one side")
		}
		return f
	}
	rs, cs := shares(rf), shares(cf)
	for i, l := range labels {
		d.Categories = append(d.Categories, CategoryShare{l, rs[i], cs[i]})
		switch {
		case ref[i] == 0 && cur[i] > 0:
			d.Unseen = append(d.Unseen, CategoryShare{Value: l, Current: cs[i]})
			d.UnseenShare += cs[i]
		case cur[i] == 0 && ref[i] > 0:
			d.Vanished = append(d.Vanished, CategoryShare{Value: l, Reference: rs[i]})
			d.VanishedShare += rs[i]
		}
	}
	f.PSI = psi(rs, cs)
	f.JS = jensenShannon(rs, cs)
	d.ChiSquare, d.DOF, d.PValue = chiSquare(rf, cf)
	f.Score = f.PSI
	f.Verdict = o.psiVerdict(f.PSI)
	if f.Verdict > validate.VerdictOK && d.PValue >= calendarNoiseP {
		f.Verdict = validate.VerdictOK
		f.Notes = append(f.Notes, fmt.Sprintf("PSI %.3g but chi-square p = %.2g: within sampling noise of %d and %d values", f.PSI, d.PValue, int64(nr), int64(nc)))
	}
	return f
}
