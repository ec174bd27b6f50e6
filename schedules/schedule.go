package schedules

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ErrInvalid marks a bad schedule: an empty or repeated name, a spec that
// does not parse, a missing job or a negative timeout.
var ErrInvalid = errors.New("invalid schedule")

// ErrStopped is returned by Start and Reload after Stop.
var ErrStopped = errors.New("scheduler stopped")

// Job is the work a schedule runs. It must return soon after ctx is done;
// name is the schedule's name.
type Job func(ctx context.Context, name string) error

// Schedule is one named cron entry.
type Schedule struct {
	// Name identifies the schedule in status, logs and metrics. Required
	// and unique.
	Name string
	// Spec is a cron spec (see the package doc).
	Spec string
	// Timeout cancels the job's context after this long. Zero means no
	// timeout.
	Timeout time.Duration
	// Job is called at each fire that is not skipped. Required.
	Job Job
	// Priority orders the fires waiting for the workspace: when the
	// running job ends, the waiting fire with the highest priority starts
	// (the earliest fire among equals). refit serve gives run jobs
	// priority over audits. Defaults to 0.
	Priority int
}

// parser accepts optional seconds, descriptors and CRON_TZ (see the
// package doc). It is the only cron parser: config checks use Parse too.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// SpecError is a cron spec that does not parse. It matches ErrInvalid.
type SpecError struct {
	Spec string
	Err  error // robfig/cron's reason
}

func (e *SpecError) Error() string { return fmt.Sprintf("%v: cron %q: %v", ErrInvalid, e.Spec, e.Err) }

// Unwrap returns ErrInvalid and the reason.
func (e *SpecError) Unwrap() []error { return []error{ErrInvalid, e.Err} }

// Parse parses a spec as the scheduler does; a spec that does not parse
// is a *SpecError. The schedule's Next gives times in the zone of the
// spec's CRON_TZ or TZ prefix (without one, and for @every, in the zone of
// the time given, as robfig/cron does), and a spec at fixed times fires
// once at a wall-clock time that the fall back of daylight saving time
// repeats (see the package doc).
func Parse(spec string) (cron.Schedule, error) {
	c, err := parser.Parse(spec)
	if err != nil {
		return nil, &SpecError{Spec: spec, Err: err}
	}
	if s, ok := c.(*cron.SpecSchedule); ok {
		return specSchedule{SpecSchedule: s, once: !wildcardTimes(spec)}, nil
	}
	return c, nil
}

// wildcardTimes reports whether a spec that parsed has a wildcard ("*" or
// "?", with or without a step) in its seconds, minutes or hours field, or
// is @hourly: it fires at every real instant that matches, like Vixie
// cron's wildcard jobs. The other specs fire at fixed times of day.
func wildcardTimes(spec string) bool {
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		spec = spec[strings.IndexByte(spec, ' ')+1:]
	}
	f := strings.Fields(spec)
	var times []string // seconds (when given), minutes, hours
	switch len(f) {
	case 5:
		times = f[:2]
	case 6:
		times = f[:3]
	default: // a descriptor
		return len(f) == 1 && f[0] == "@hourly"
	}
	for _, field := range times {
		if strings.HasPrefix(field, "*") || strings.HasPrefix(field, "?") {
			return true
		}
	}
	return false
}

// specSchedule is a cron spec as the scheduler fires it: robfig/cron's
// instants, in the spec's zone. When once is set (a spec at fixed times of
// day), a fire whose wall-clock time the fall back of daylight saving time
// repeats is dropped: robfig/cron fires "30 1 * * *" in New York at 01:30
// EDT and again at 01:30 EST on the night summer time ends, this at 01:30
// EDT only, as Vixie cron runs a fixed-time job once.
type specSchedule struct {
	*cron.SpecSchedule
	once bool
}

// Next returns the first fire after t, in the spec's zone (t's without
// one), that is not a repeated wall-clock time of a fixed-time spec.
func (s specSchedule) Next(t time.Time) time.Time {
	loc := s.Location
	if loc == time.Local { // robfig/cron: the zone of the time given
		loc = t.Location()
	}
	for {
		if t = s.SpecSchedule.Next(t); t.IsZero() {
			return t
		}
		if t = t.In(loc); !s.once || !repeatedWallClock(t) {
			return t
		}
	}
}

// repeatedWallClock reports whether the wall clock of t's zone already read
// as it does at t: t lies within the first d after a change of offset that
// set the clock back by d.
func repeatedWallClock(t time.Time) bool {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return false
	}
	_, before := start.Add(-time.Nanosecond).Zone()
	_, after := t.Zone()
	back := time.Duration(before-after) * time.Second
	return back > 0 && t.Before(start.Add(back))
}

// Next returns the next count fire times of spec after now, as the
// scheduler fires them, in the zone of the spec's CRON_TZ or TZ prefix, so
// a spec that fires at 06:00 in New York gives times that read 06:00 with
// New York's offset of that day. Without a prefix the spec fires, and its
// times are, in now's zone.
func Next(spec string, now time.Time, count int) ([]time.Time, error) {
	c, err := Parse(spec)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for t := now; len(out) < count; {
		if t = c.Next(t); t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out, nil
}

// compile checks every schedule and returns their groups by name, in
// order; the error names every problem.
func compile(scheds []Schedule) ([]*group, error) {
	var errs []error
	seen := map[string]bool{}
	out := make([]*group, 0, len(scheds))
	for i, s := range scheds {
		c, err := checkOne(s, seen)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule %d (%q): %w", i, s.Name, err))
			continue
		}
		out = append(out, &group{sched: s, cron: c, quit: make(chan struct{})})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func checkOne(s Schedule, seen map[string]bool) (cron.Schedule, error) {
	switch {
	case s.Name == "":
		return nil, fmt.Errorf("%w: empty name", ErrInvalid)
	case seen[s.Name]:
		return nil, fmt.Errorf("%w: name used twice", ErrInvalid)
	case s.Job == nil:
		return nil, fmt.Errorf("%w: no job", ErrInvalid)
	case s.Timeout < 0:
		return nil, fmt.Errorf("%w: negative timeout %v", ErrInvalid, s.Timeout)
	}
	seen[s.Name] = true
	return Parse(s.Spec)
}
