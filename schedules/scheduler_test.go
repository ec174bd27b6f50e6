package schedules

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	_ "time/tzdata" // CRON_TZ zones on machines without a zoneinfo database
)

// The bubble's clock starts at 2000-01-01 00:00:00 UTC.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// calls records when a job was called.
type calls struct {
	mu    sync.Mutex
	times []time.Time
}

func (c *calls) add() {
	c.mu.Lock()
	c.times = append(c.times, time.Now().UTC())
	c.mu.Unlock()
}

// offsets returns the call times as durations since the epoch.
func (c *calls) offsets() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Duration, len(c.times))
	for i, t := range c.times {
		out[i] = t.Sub(epoch)
	}
	return out
}

// sleeper records its calls and then sleeps d or until canceled.
func (c *calls) sleeper(d time.Duration) Job {
	return func(ctx context.Context, _ string) error {
		c.add()
		select {
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func testOptions() Options {
	return Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return time.Now().UTC() }}
}

func start(t *testing.T, opts Options, scheds ...Schedule) *Scheduler {
	t.Helper()
	s, err := New(scheds, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

func status(t *testing.T, s *Scheduler, name string) Status {
	t.Helper()
	for _, st := range s.Status() {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no schedule %q in %+v", name, s.Status())
	return Status{}
}

func TestFiresAtSpecTimes(t *testing.T) {
	h, m, sec := time.Hour, time.Minute, time.Second
	tests := []struct {
		name string
		spec string
		run  time.Duration
		want []time.Duration
	}{
		{"hourly", "@hourly", 3*h + m, []time.Duration{h, 2 * h, 3 * h}},
		{"seconds_field", "*/20 * * * * *", 65 * sec, []time.Duration{20 * sec, 40 * sec, m}},
		{"five_fields", "15 */2 * * *", 5 * h, []time.Duration{15 * m, 2*h + 15*m, 4*h + 15*m}},
		// 02:30 in New York is 07:30 UTC in January (EST, UTC-5).
		{"cron_tz", "CRON_TZ=America/New_York 30 2 * * *", 48 * h, []time.Duration{7*h + 30*m, 31*h + 30*m}},
		{"every", "@every 90s", 4 * m, []time.Duration{90 * sec, 3 * m}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var c calls
				s := start(t, testOptions(), Schedule{Name: "a", Spec: tt.spec, Job: c.sleeper(0)})
				time.Sleep(tt.run)
				s.Stop()
				if got := c.offsets(); !slices.Equal(got, tt.want) {
					t.Errorf("fired at %v, want %v", got, tt.want)
				}
			})
		})
	}
}

func TestNextFireInStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c calls
		s := start(t, testOptions(), Schedule{Name: "a", Spec: "CRON_TZ=UTC 0 2 * * *", Job: c.sleeper(0)})
		synctest.Wait()
		if got, want := status(t, s, "a").Next, epoch.Add(2*time.Hour); !got.Equal(want) {
			t.Errorf("next %v, want %v", got, want)
		}
		s.Stop()
		if got := status(t, s, "a").Next; !got.IsZero() {
			t.Errorf("next after Stop %v, want zero", got)
		}
	})
}

// TestTimesInSpecZone checks that the next fire in Status, the fire time of
// the last run and the fire logged are in the zone of the spec's CRON_TZ,
// as Next gives them, whatever the zone of the clock (here UTC).
func TestTimesInSpecZone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wall := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // 05:00 in New York
		var log strings.Builder
		opts := testOptions()
		opts.Now = func() time.Time { return wall.Add(time.Since(epoch)) }
		opts.Logger = slog.New(slog.NewTextHandler(&log, nil))
		var c calls
		spec := "CRON_TZ=America/New_York 0 6 * * *"
		s := start(t, opts, Schedule{Name: "a", Spec: spec, Job: c.sleeper(0)})
		synctest.Wait()
		want, _ := Next(spec, wall, 2)
		next := status(t, s, "a").Next
		time.Sleep(time.Hour + time.Minute)
		st := status(t, s, "a")
		s.Stop()
		for _, tt := range []struct {
			what      string
			got, want time.Time
		}{{"next before the fire", next, want[0]}, {"fire of the last run", st.Last.Fire, want[0]}, {"next after the fire", st.Next, want[1]}} {
			if got, want := tt.got.Format(time.RFC3339), tt.want.Format(time.RFC3339); got != want {
				t.Errorf("%s: %s, want %s", tt.what, got, want)
			}
		}
		if want := "at=2026-11-24T06:00:00.000-05:00"; !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, log.String())
		}
	})
}

func TestSlowJobSkipsNextFires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c calls
		s := start(t, testOptions(), Schedule{Name: "a", Spec: "* * * * *", Job: c.sleeper(140 * time.Second)})
		time.Sleep(10*time.Minute + 30*time.Second)
		st := status(t, s, "a")
		s.Stop()
		m := time.Minute
		// 1:00 runs until 3:20, so 2:00 and 3:00 are skipped, not queued:
		// nothing starts at 3:20.
		if got, want := c.offsets(), []time.Duration{m, 4 * m, 7 * m, 10 * m}; !slices.Equal(got, want) {
			t.Errorf("started at %v, want %v", got, want)
		}
		if st.Runs != 4 || st.Skipped[SkipOverlap] != 6 || !st.Running {
			t.Errorf("runs %d, skipped %v, running %v; want 4 runs, 6 overlaps, running", st.Runs, st.Skipped, st.Running)
		}
	})
}

// TestSameSecondRunAndAudit fires a nightly run and an hourly audit in the
// same second, as the example's 02:00 run and @hourly audit do every
// night: neither skips the other, one waits for the other (issue 14).
func TestSameSecondRunAndAudit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var run, audit calls
		s := start(t, testOptions(),
			Schedule{Name: "nightly", Spec: "0 2 * * *", Job: run.sleeper(10 * time.Minute), Priority: 1},
			Schedule{Name: "hourly-audit", Spec: "@hourly", Job: audit.sleeper(time.Minute)})
		time.Sleep(3*24*time.Hour + time.Minute)
		sr, sa := status(t, s, "nightly"), status(t, s, "hourly-audit")
		s.Stop()
		if sr.Runs != 3 || len(sr.Skipped) != 0 {
			t.Errorf("nightly: runs %d, skipped %v; want 3 runs, none skipped", sr.Runs, sr.Skipped)
		}
		if sa.Runs != 72 || len(sa.Skipped) != 0 {
			t.Errorf("audit: runs %d, skipped %v; want 72 runs, none skipped", sa.Runs, sa.Skipped)
		}
		if sr.Queued+sa.Queued != 3 || sr.Waited+sa.Waited == 0 {
			t.Errorf("queued %d+%d, waited %v+%v: want one fire a night to wait", sr.Queued, sa.Queued, sr.Waited, sa.Waited)
		}
	})
}

// TestWaitingFiresByPriority checks fires waiting behind a long job start,
// when it ends, by priority: a run before an audit that came first.
func TestWaitingFiresByPriority(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var long, audit, run calls
		m := time.Minute
		s := start(t, testOptions(),
			Schedule{Name: "long", Spec: "1 0 * * *", Job: long.sleeper(30 * m)},
			Schedule{Name: "audit", Spec: "10 0 * * *", Job: audit.sleeper(m)},
			Schedule{Name: "run", Spec: "20 0 * * *", Job: run.sleeper(5 * m), Priority: 1})
		time.Sleep(time.Hour)
		st := status(t, s, "audit")
		s.Stop()
		if got, want := run.offsets(), []time.Duration{31 * m}; !slices.Equal(got, want) {
			t.Errorf("run started at %v, want %v (when long ended)", got, want)
		}
		if got, want := audit.offsets(), []time.Duration{36 * m}; !slices.Equal(got, want) {
			t.Errorf("audit started at %v, want %v (after the run)", got, want)
		}
		if st.Queued != 1 || st.Waited != 26*m || st.Last == nil || st.Last.Waited != 26*m {
			t.Errorf("audit status %+v, want one fire that waited 26m", st)
		}
	})
}

// TestWaitIsBounded checks a fire waits at most MaxWait behind another
// job, then is skipped as busy.
func TestWaitIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var long, b calls
		opts := testOptions()
		opts.MaxWait = 30 * time.Minute
		s := start(t, opts,
			Schedule{Name: "long", Spec: "1 0 * * *", Job: long.sleeper(2 * time.Hour)},
			Schedule{Name: "b", Spec: "5 0 * * *", Job: b.sleeper(time.Minute)})
		time.Sleep(time.Hour)
		st := status(t, s, "b")
		s.Stop()
		if len(b.offsets()) != 0 || st.Skipped[SkipBusy] != 1 || st.Queued != 1 || st.Waited != 30*time.Minute || st.Waiting {
			t.Errorf("b: calls %v, status %+v; want skipped as busy after waiting 30m", b.offsets(), st)
		}
	})
}

func TestTimeoutCancelsJob(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var gotErr error
		var at time.Time
		job := func(ctx context.Context, _ string) error {
			<-ctx.Done()
			gotErr, at = ctx.Err(), time.Now().UTC()
			return ctx.Err()
		}
		s := start(t, testOptions(), Schedule{Name: "a", Spec: "@hourly", Timeout: 30 * time.Second, Job: job})
		time.Sleep(time.Hour + time.Minute)
		st := status(t, s, "a")
		s.Stop()
		if !errors.Is(gotErr, context.DeadlineExceeded) || !at.Equal(epoch.Add(time.Hour+30*time.Second)) {
			t.Errorf("job ended at %v with %v, want 01:00:30 with deadline exceeded", at, gotErr)
		}
		if st.Last == nil || st.Last.Result != ResultTimeout || st.Running {
			t.Errorf("status %+v, want last result timeout, not running", st)
		}
	})
}

func TestStopCancelsAndWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var done atomic.Bool
		job := func(ctx context.Context, _ string) error {
			<-ctx.Done()
			time.Sleep(5 * time.Second) // cleanup after cancellation
			done.Store(true)
			return ctx.Err()
		}
		s := start(t, testOptions(), Schedule{Name: "a", Spec: "* * * * *", Job: job})
		time.Sleep(70 * time.Second)
		s.Stop()
		if !done.Load() || !time.Now().Equal(epoch.Add(75*time.Second)) {
			t.Errorf("Stop returned at %v with the job done=%v, want 00:01:15 after the job", time.Now().UTC(), done.Load())
		}
		st := status(t, s, "a")
		if st.Runs != 1 || st.Last == nil || st.Last.Result != ResultCanceled {
			t.Errorf("status %+v, want one canceled run", st)
		}
		if err := s.Start(t.Context()); !errors.Is(err, ErrStopped) {
			t.Errorf("Start after Stop: %v, want ErrStopped", err)
		}
		s.Stop() // twice is fine
	})
}

func TestMissedFiresAfterClockJump(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var jump atomic.Int64
		opts := testOptions()
		opts.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(jump.Load())) }
		var c calls
		s := start(t, opts, Schedule{Name: "a", Spec: "@hourly", Job: c.sleeper(0)})
		time.Sleep(30 * time.Minute)
		jump.Store(int64(5 * time.Hour)) // the machine slept: the wall clock reads 05:30
		time.Sleep(15 * time.Minute)
		st := status(t, s, "a")
		// 01:00 runs once, late; 02:00 to 05:00 are counted, not replayed.
		if st.Runs != 1 || st.Skipped[SkipMissed] != 4 || st.Last == nil || !st.Last.Fire.Equal(epoch.Add(5*time.Hour)) {
			t.Errorf("status %+v, want one run for 05:00 and 4 missed", st)
		}
		if !st.Next.Equal(epoch.Add(6 * time.Hour)) {
			t.Errorf("next %v, want 06:00", st.Next)
		}
		time.Sleep(30 * time.Minute) // wall 06:15
		s.Stop()
		if st := status(t, s, "a"); st.Runs != 2 || st.Skipped[SkipMissed] != 4 {
			t.Errorf("after 06:00: status %+v, want 2 runs and still 4 missed", st)
		}
	})
}

// TestFallBackFiresOnce runs the scheduler through the night New York's
// clock falls back from 02:00 EDT to 01:00 EST: a job at 01:30 runs once,
// one every 20 minutes runs at every real third of an hour, the repeated
// ones included.
func TestFallBackFiresOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The bubble's epoch reads 2026-11-01 00:00 EDT (04:00 UTC).
		wall := time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)
		opts := testOptions()
		opts.Now = func() time.Time { return wall.Add(time.Since(epoch)) }
		var fixed, every calls
		s := start(t, opts,
			Schedule{Name: "fixed", Spec: "CRON_TZ=America/New_York 30 1 * * *", Job: fixed.sleeper(0)},
			Schedule{Name: "every", Spec: "CRON_TZ=America/New_York */20 * * * *", Job: every.sleeper(time.Second)})
		time.Sleep(3*time.Hour + time.Minute) // 02:01 EST
		st := status(t, s, "fixed")
		s.Stop()
		h, m := time.Hour, time.Minute
		// 01:30 EDT is 1h30m after the epoch, 01:30 EST 2h30m.
		if got, want := fixed.offsets(), []time.Duration{h + 30*m}; !slices.Equal(got, want) {
			t.Errorf("fixed fired at %v, want %v", got, want)
		}
		if want := time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC); !st.Next.Equal(want) {
			t.Errorf("fixed: next %v, want %v (01:30 EST the next day)", st.Next, want)
		}
		var want []time.Duration // 00:20 EDT to 02:00 EST
		for d := 20 * m; d <= 3*h; d += 20 * m {
			want = append(want, d)
		}
		if got := every.offsets(); !slices.Equal(got, want) {
			t.Errorf("every 20 minutes fired at %v, want %v", got, want)
		}
	})
}

func TestReloadKeepsOldSetOnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var a, b calls
		s := start(t, testOptions(), Schedule{Name: "a", Spec: "@hourly", Job: a.sleeper(0)})
		time.Sleep(90 * time.Minute)
		bad := [][]Schedule{
			{{Name: "a", Spec: "@hourly", Job: a.sleeper(0)}, {Name: "b", Spec: "61 * * * *", Job: b.sleeper(0)}},
			{{Name: "a", Spec: "@hourly", Job: a.sleeper(0)}, {Name: "a", Spec: "@daily", Job: b.sleeper(0)}},
			{{Name: "", Spec: "@hourly", Job: a.sleeper(0)}},
			{{Name: "a", Spec: "@hourly"}},
		}
		for _, set := range bad {
			if err := s.Reload(set); !errors.Is(err, ErrInvalid) {
				t.Errorf("Reload(%v): %v, want ErrInvalid", set, err)
			}
		}
		if st := s.Status(); len(st) != 1 || st[0].Name != "a" || st[0].Spec != "@hourly" {
			t.Fatalf("after failed reloads: %+v, want the old schedule a", st)
		}
		time.Sleep(time.Hour) // 02:30: a fired at 02:00
		if err := s.Reload([]Schedule{{Name: "b", Spec: "*/30 * * * *", Job: b.sleeper(0)}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(45 * time.Minute) // 03:15
		s.Stop()
		h := time.Hour
		if got, want := a.offsets(), []time.Duration{h, 2 * h}; !slices.Equal(got, want) {
			t.Errorf("a fired at %v, want %v", got, want)
		}
		if got, want := b.offsets(), []time.Duration{3 * h}; !slices.Equal(got, want) {
			t.Errorf("b fired at %v, want %v", got, want)
		}
	})
}

func TestReloadKeepsCountersByName(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var a calls
		s := start(t, testOptions(), Schedule{Name: "a", Spec: "@hourly", Job: a.sleeper(0)})
		time.Sleep(90 * time.Minute)
		if err := s.Reload([]Schedule{{Name: "a", Spec: "*/20 * * * *", Job: a.sleeper(0)}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(15 * time.Minute) // 01:45: fired at 01:40 too
		s.Stop()
		if st := status(t, s, "a"); st.Runs != 2 || st.Spec != "*/20 * * * *" {
			t.Errorf("status %+v, want 2 runs and the new spec", st)
		}
	})
}

// fakeLock fails TryLock with err.
type fakeLock struct{ err error }

func (l fakeLock) TryLock() error { return l.err }
func (l fakeLock) Unlock() error  { return nil }

func TestWorkspaceLockHeld(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c calls
		opts := testOptions()
		opts.Lock = fakeLock{err: ErrLocked}
		opts.MaxWait = 10 * time.Minute
		s := start(t, opts, Schedule{Name: "a", Spec: "@hourly", Job: c.sleeper(0)})
		time.Sleep(3*time.Hour + 15*time.Minute)
		s.Stop()
		st := status(t, s, "a")
		if st.Runs != 0 || st.Skipped[SkipLocked] != 3 || len(c.offsets()) != 0 || st.Queued != 3 || st.Waited != 30*time.Minute {
			t.Errorf("status %+v, calls %v; want 3 fires skipped as locked after waiting 10m each", st, c.offsets())
		}
	})
}

// flakyLock is held by another process until free.
type flakyLock struct{ free time.Time }

func (l flakyLock) TryLock() error {
	if time.Now().Before(l.free) {
		return ErrLocked
	}
	return nil
}
func (l flakyLock) Unlock() error { return nil }

// TestWaitsForAnotherProcess checks a fire waits for a lock another
// process holds (refit run by hand) and runs when it is released.
func TestWaitsForAnotherProcess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c calls
		opts := testOptions()
		opts.Lock = flakyLock{free: epoch.Add(time.Hour + 90*time.Second)}
		s := start(t, opts, Schedule{Name: "a", Spec: "@hourly", Job: c.sleeper(0)})
		time.Sleep(time.Hour + 5*time.Minute)
		s.Stop()
		st := status(t, s, "a")
		if got := c.offsets(); len(got) != 1 || got[0] != time.Hour+90*time.Second || st.Queued != 1 || st.Last.Waited != 90*time.Second {
			t.Errorf("calls %v, status %+v; want one run at 1h01m30s after a 90s wait", got, st)
		}
	})
}

func TestJobFailures(t *testing.T) {
	tests := []struct {
		name string
		lock Locker
		job  Job
		want string
	}{
		{"error", nil, func(context.Context, string) error { return errors.New("boom") }, "boom"},
		{"panic", nil, func(context.Context, string) error { panic("kaboom") }, "job panicked: kaboom"},
		{"lock_error", fakeLock{err: errors.New("disk gone")}, func(context.Context, string) error { return nil }, "disk gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				opts := testOptions()
				opts.Lock = tt.lock
				s := start(t, opts, Schedule{Name: "a", Spec: "@hourly", Job: tt.job})
				time.Sleep(time.Hour + time.Minute)
				s.Stop()
				st := status(t, s, "a")
				if st.Last == nil || st.Last.Result != ResultFailed || !strings.Contains(st.Last.Error, tt.want) {
					t.Errorf("last run %+v, want failed with %q", st.Last, tt.want)
				}
			})
		})
	}
}

// TestNext checks the fire times of specs with and without a zone, across
// daylight saving changes, for clocks in several zones: a spec with
// CRON_TZ or TZ gives times in its zone whatever now's zone (the same
// instants as robfig/cron), one without gives them in now's zone.
func TestNext(t *testing.T) {
	ny, tokyo := loadZone(t, "America/New_York"), loadZone(t, "Asia/Tokyo")
	tests := []struct {
		name string
		spec string
		now  time.Time
		want []string // RFC 3339: instant and zone offset
	}{
		{"spring forward", "CRON_TZ=America/New_York 0 6 * * *", time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC),
			[]string{"2026-03-07T06:00:00-05:00", "2026-03-08T06:00:00-04:00", "2026-03-09T06:00:00-04:00"}},
		{"spring forward, now in Tokyo", "CRON_TZ=America/New_York 0 6 * * *", time.Date(2026, 3, 6, 21, 0, 0, 0, tokyo),
			[]string{"2026-03-07T06:00:00-05:00", "2026-03-08T06:00:00-04:00", "2026-03-09T06:00:00-04:00"}},
		{"fall back", "CRON_TZ=America/New_York 0 6 * * *", time.Date(2026, 10, 30, 12, 0, 0, 0, time.UTC),
			[]string{"2026-10-31T06:00:00-04:00", "2026-11-01T06:00:00-05:00", "2026-11-02T06:00:00-05:00"}},
		{"fall back, now at a fixed offset", "TZ=America/New_York 0 6 * * *", time.Date(2026, 10, 30, 20, 0, 0, 0, time.FixedZone("", 8*3600)),
			[]string{"2026-10-31T06:00:00-04:00", "2026-11-01T06:00:00-05:00", "2026-11-02T06:00:00-05:00"}},
		{"late November", "CRON_TZ=America/New_York 0 6 * * *", time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
			[]string{"2026-11-25T06:00:00-05:00"}},
		// 02:30 does not exist in New York on 2026-03-08: robfig/cron skips it.
		{"skipped hour", "CRON_TZ=America/New_York 30 2 * * *", time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC),
			[]string{"2026-03-07T02:30:00-05:00", "2026-03-09T02:30:00-04:00"}},
		// 01:30 happens twice in New York on 2026-11-01: robfig/cron fires
		// at both, a fixed-time spec fires at the first only.
		{"repeated hour", "CRON_TZ=America/New_York 30 1 * * *", time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC),
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
		{"repeated hour, seconds field", "CRON_TZ=America/New_York 15 30 1 * * *", time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC),
			[]string{"2026-11-01T01:30:15-04:00", "2026-11-02T01:30:15-05:00"}},
		{"repeated hour, two fixed times", "CRON_TZ=America/New_York 0,30 1 * * *", time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC),
			[]string{"2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-02T01:00:00-05:00"}},
		{"repeated hour, range of hours", "CRON_TZ=America/New_York 0 0-3 * * *", time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC),
			[]string{"2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00"}},
		{"repeated hour, no zone, now in New York", "30 1 * * *", time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"}},
		// Lord Howe Island sets its clock back by 30 minutes, from 02:00
		// (+11:00) to 01:30 (+10:30), on 2026-04-05.
		{"repeated half hour", "CRON_TZ=Australia/Lord_Howe 45 1 * * *", time.Date(2026, 4, 4, 0, 0, 0, 0, time.UTC),
			[]string{"2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"}},
		{"repeated hour, Paris", "CRON_TZ=Europe/Paris 30 2 * * *", time.Date(2024, 10, 26, 12, 0, 0, 0, time.UTC),
			[]string{"2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00"}},
		// Wildcard minutes or hours fire at every real instant, the repeated
		// hour's included, as Vixie cron runs wildcard jobs.
		{"repeated hour, every hour", "CRON_TZ=America/New_York 30 * * * *", time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC),
			[]string{"2026-11-01T00:30:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "2026-11-01T02:30:00-05:00"}},
		{"repeated hour, hourly", "CRON_TZ=America/New_York @hourly", time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC),
			[]string{"2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"}},
		{"repeated hour, every 15 minutes", "CRON_TZ=America/New_York */15 * * * *", time.Date(2026, 11, 1, 5, 20, 0, 0, time.UTC),
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-01T01:45:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:15:00-05:00", "2026-11-01T01:30:00-05:00"}},
		{"repeated hour, every 30 minutes of 1am", "CRON_TZ=America/New_York */30 1 * * *", time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC),
			[]string{"2026-11-01T01:00:00-04:00", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00", "2026-11-02T01:00:00-05:00"}},
		{"repeated hour, every second of 01:30", "CRON_TZ=America/New_York */30 30 1 * * *", time.Date(2026, 11, 1, 5, 29, 0, 0, time.UTC),
			[]string{"2026-11-01T01:30:00-04:00", "2026-11-01T01:30:30-04:00", "2026-11-01T01:30:00-05:00", "2026-11-01T01:30:30-05:00"}},
		{"repeated hour, interval", "CRON_TZ=America/New_York @every 30m", time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC),
			[]string{"2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z"}},
		{"utc zone, now in New York", "CRON_TZ=UTC 0 6 * * *", time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			[]string{"2026-03-08T06:00:00Z", "2026-03-09T06:00:00Z"}},
		{"descriptor with a zone", "CRON_TZ=Europe/Paris @daily", time.Date(2024, 3, 30, 12, 0, 0, 0, time.UTC),
			[]string{"2024-03-31T00:00:00+01:00", "2024-04-01T00:00:00+02:00"}},
		// Paris moves to summer time on 2024-03-31: 02:00 does not exist.
		{"paris summer time", "CRON_TZ=Europe/Paris 0 2 * * *", time.Date(2024, 3, 30, 12, 0, 0, 0, time.UTC),
			[]string{"2024-04-01T02:00:00+02:00", "2024-04-02T02:00:00+02:00", "2024-04-03T02:00:00+02:00"}},
		{"no zone, now in UTC", "0 6 * * *", time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC),
			[]string{"2026-03-08T06:00:00Z", "2026-03-09T06:00:00Z"}},
		{"no zone, now in New York", "0 6 * * *", time.Date(2026, 3, 7, 12, 0, 0, 0, ny),
			[]string{"2026-03-08T06:00:00-04:00", "2026-03-09T06:00:00-04:00"}},
		{"no zone, now in New York, fall back", "0 6 * * *", time.Date(2026, 10, 31, 12, 0, 0, 0, ny),
			[]string{"2026-11-01T06:00:00-05:00", "2026-11-02T06:00:00-05:00"}},
		{"interval, now in Tokyo", "@every 90m", time.Date(2026, 3, 7, 12, 0, 0, 0, tokyo),
			[]string{"2026-03-07T13:30:00+09:00", "2026-03-07T15:00:00+09:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Next(tt.spec, tt.now, len(tt.want))
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, t := range got {
				s = append(s, t.Format(time.RFC3339))
			}
			if !slices.Equal(s, tt.want) {
				t.Errorf("next %v, want %v", s, tt.want)
			}
			// The instants are robfig/cron's, but for repeated wall-clock
			// times of fixed-time specs, which it fires at twice.
			c, _ := parser.Parse(tt.spec)
			for i, at := 0, tt.now; i < len(got); i++ {
				at = c.Next(at)
				for strings.HasPrefix(tt.name, "repeated") && !at.IsZero() && at.Before(got[i]) {
					at = c.Next(at)
				}
				if !at.Equal(got[i]) {
					t.Errorf("fire %d at %v, robfig/cron says %v", i, got[i], at)
				}
			}
		})
	}
	if _, err := Next("not a spec", time.Now(), 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad spec: %v, want ErrInvalid", err)
	}
	var se *SpecError
	if _, err := Parse("0 99 * * *"); !errors.As(err, &se) || se.Spec != "0 99 * * *" || se.Err == nil ||
		err.Error() != `invalid schedule: cron "0 99 * * *": `+se.Err.Error() {
		t.Errorf("bad spec: %v, want a *SpecError with the spec and robfig/cron's reason", err)
	}
}

func loadZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
