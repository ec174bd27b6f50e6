package pipeline

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/refit-ml/refit/ingest"
)

// maxPeriods bounds a backtest's periods: each runs the pipeline once per
// policy.
const maxPeriods = 500

// Step is the length of a backtest period: whole calendar months, or a
// fixed duration.
type Step struct {
	Months   int
	Duration time.Duration
}

// ParseStep reads a period such as 1mo, 3mo, 1y, 2w, 7d or 12h.
func ParseStep(s string) (Step, error) {
	for _, u := range []struct {
		suffix string
		months int
		d      time.Duration
	}{{"mo", 1, 0}, {"y", 12, 0}, {"w", 0, 7 * 24 * time.Hour}, {"d", 0, 24 * time.Hour}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			k, err := strconv.Atoi(n)
			if err != nil || k <= 0 {
				break
			}
			return Step{Months: k * u.months, Duration: time.Duration(k) * u.d}, nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return Step{Duration: d}, nil
	}
	return Step{}, fmt.Errorf("%w: period %q: want e.g. 1mo, 1y, 1w, 7d or 12h", ErrConfig, s)
}

// String is the step as ParseStep reads it.
func (s Step) String() string {
	switch {
	case s.Months > 0 && s.Months%12 == 0:
		return strconv.Itoa(s.Months/12) + "y"
	case s.Months > 0:
		return strconv.Itoa(s.Months) + "mo"
	case s.Duration > 0 && s.Duration%(24*time.Hour) == 0:
		return strconv.Itoa(int(s.Duration/(24*time.Hour))) + "d"
	}
	return s.Duration.String()
}

func (s Step) valid() bool { return s.Months > 0 || s.Duration > 0 }

func (s Step) next(t time.Time) time.Time {
	if s.Months > 0 {
		return t.AddDate(0, s.Months, 0)
	}
	return t.Add(s.Duration)
}

// align is the start of the period holding t: the first of its month for
// month steps, its midnight (UTC) otherwise.
func (s Step) align(t time.Time) time.Time {
	t = t.UTC()
	if s.Months > 0 {
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// periods splits [from, to) into steps; the last may be shorter.
func periods(from, to time.Time, step Step) ([]span, error) {
	if !to.After(from) {
		return nil, fmt.Errorf("%w: backtest from %s to %s: an empty range", ErrConfig, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	var out []span
	for t := from; t.Before(to); t = step.next(t) {
		if len(out) == maxPeriods {
			return nil, fmt.Errorf("%w: backtest from %s to %s every %s: more than %d periods",
				ErrConfig, from.Format(time.RFC3339), to.Format(time.RFC3339), step, maxPeriods)
		}
		end := step.next(t)
		if end.After(to) {
			end = to
		}
		out = append(out, span{from: t, to: end})
	}
	return out, nil
}

// timeRange returns the earliest and latest non-null times of the
// sources' time column, reading only that column.
func timeRange(ctx context.Context, sources []string, timeCol string, limits ingest.Limits) (time.Time, time.Time, error) {
	ds, err := ingest.Open(ctx, sources, ingest.Options{Columns: []string{timeCol}, Limits: limits})
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	lo, hi, n := int64(maxInt), int64(minInt), 0
	var unit time.Duration
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		vals, u, err := timeValues(rec.Column(0))
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("pipeline: time column %q: %w", timeCol, err)
		}
		unit = u
		for i, v := range vals {
			if rec.Column(0).IsValid(i) {
				lo, hi, n = min(lo, v), max(hi, v), n+1
			}
		}
	}
	if n == 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("%w: no rows with a time in %v", ErrConfig, sources)
	}
	return time.Unix(0, lo*int64(unit)).UTC(), time.Unix(0, hi*int64(unit)).UTC(), nil
}
