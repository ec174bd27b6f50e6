package pipeline

import (
	"fmt"
	"time"

	"github.com/refit-ml/refit/schedules"
)

// ParseTime reads a point in time as the command line gives it: RFC 3339,
// the same without a zone (UTC), or a date (UTC midnight).
func ParseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// NextFires lists the next count fire times after now of each schedule,
// as `refit serve` would fire them (see schedules.Next).
func NextFires(scheds []Schedule, now time.Time, count int) ([]schedules.Upcoming, error) {
	out := make([]schedules.Upcoming, 0, len(scheds))
	for _, s := range scheds {
		next, err := schedules.Next(s.Cron, now, count)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", s.Name, err)
		}
		out = append(out, schedules.Upcoming{Name: s.Name, Job: s.Job, Cron: s.Cron, Timeout: time.Duration(s.Timeout).String(), Next: next})
	}
	return out, nil
}
