package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// wakeInterval bounds each sleep, so a wall-clock jump or a suspended
// machine is noticed within it.
const wakeInterval = time.Minute

// maxCounted bounds the fires counted after a gap, so a years-long gap on
// a per-second spec does not spin.
const maxCounted = 1_000_000

// group is one schedule and its loop.
type group struct {
	s     *Scheduler
	sched Schedule // Job may be swapped by Reload under s.mu
	cron  cron.Schedule
	quit  chan struct{} // closed when Reload removes the schedule
}

// loop fires the schedule until ctx is done or the schedule is removed.
func (g *group) loop(ctx context.Context) {
	defer g.s.wg.Done()
	name := g.sched.Name
	next := g.cron.Next(g.s.opts.Now())
	for {
		g.s.setNext(name, next)
		if next.IsZero() {
			g.s.opts.Logger.Warn("schedule never fires again", "schedule", name, "spec", g.sched.Spec)
		}
		if !g.sleepUntil(ctx, next) {
			return
		}
		now := g.s.opts.Now()
		fire, missed := latestFire(g.cron, next, now)
		if missed > 0 {
			g.s.skip(name, SkipMissed, missed, next)
		}
		g.s.fire(ctx, g, fire)
		next = g.cron.Next(now)
	}
}

// sleepUntil waits until the wall clock reaches t (forever when t is
// zero); it returns false when the loop should end instead.
func (g *group) sleepUntil(ctx context.Context, t time.Time) bool {
	for {
		d := wakeInterval
		if !t.IsZero() {
			if d = min(t.Sub(g.s.opts.Now()), wakeInterval); d <= 0 {
				return true
			}
		}
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return false
		case <-g.quit:
			timer.Stop()
			return false
		case <-timer.C:
		}
	}
}

// latestFire returns the last fire time at or before now, starting from
// next (which is), and how many fires it passed over.
func latestFire(c cron.Schedule, next, now time.Time) (time.Time, int) {
	last, passed := next, 0
	for passed < maxCounted {
		n := c.Next(last)
		if n.IsZero() || n.After(now) {
			break
		}
		last, passed = n, passed+1
	}
	return last, passed
}

// fire starts the group's job for the fire time at, unless a job is
// running.
func (s *Scheduler) fire(ctx context.Context, g *group, at time.Time) {
	s.mu.Lock()
	name := g.sched.Name
	if s.busy != "" {
		reason := SkipBusy
		if s.busy == name {
			reason = SkipOverlap
		}
		s.mu.Unlock()
		s.skip(name, reason, 1, at)
		return
	}
	s.busy = name
	sched := g.sched
	s.wg.Add(1)
	s.mu.Unlock()
	go s.runJob(ctx, sched, at)
}

// runJob takes the workspace lock, runs the job with its timeout and
// records the result.
func (s *Scheduler) runJob(ctx context.Context, sched Schedule, at time.Time) {
	defer s.wg.Done()
	defer s.release()
	if s.opts.Lock != nil {
		if err := s.opts.Lock.TryLock(); err != nil {
			s.lockFailed(sched.Name, at, err)
			return
		}
		defer s.unlock(sched.Name)
	}
	info := RunInfo{Fire: at, Started: s.opts.Now()}
	s.started(sched.Name, at)
	jctx, cancel := ctx, context.CancelFunc(func() {})
	if sched.Timeout > 0 {
		jctx, cancel = context.WithTimeout(ctx, sched.Timeout)
	}
	err := callJob(jctx, sched)
	cancel()
	info.Finished = s.opts.Now()
	info.Result = classify(ctx, jctx, err)
	if err != nil {
		info.Error = err.Error()
	}
	s.finished(sched.Name, info)
}

// callJob runs the job, turning a panic into an error.
func callJob(ctx context.Context, sched Schedule) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job panicked: %v", p)
		}
	}()
	return sched.Job(ctx, sched.Name)
}

func classify(parent, job context.Context, err error) string {
	switch {
	case err == nil:
		return ResultOK
	case parent.Err() != nil:
		return ResultCanceled
	case errors.Is(job.Err(), context.DeadlineExceeded):
		return ResultTimeout
	}
	return ResultFailed
}

func (s *Scheduler) lockFailed(name string, at time.Time, err error) {
	if errors.Is(err, ErrLocked) {
		s.skip(name, SkipLocked, 1, at)
		return
	}
	now := s.opts.Now()
	s.finished(name, RunInfo{Fire: at, Started: now, Finished: now, Result: ResultFailed, Error: err.Error()})
}

func (s *Scheduler) unlock(name string) {
	if err := s.opts.Lock.Unlock(); err != nil {
		s.opts.Logger.Error("workspace unlock", "schedule", name, "err", err)
	}
}

func (s *Scheduler) release() {
	s.mu.Lock()
	s.busy = ""
	s.mu.Unlock()
}

func (s *Scheduler) started(name string, at time.Time) {
	s.mu.Lock()
	st := s.statLocked(name)
	st.Runs++
	st.Running = true
	s.mu.Unlock()
	s.opts.Logger.Info("schedule fired", "schedule", name, "at", at)
}

func (s *Scheduler) finished(name string, info RunInfo) {
	s.mu.Lock()
	st := s.statLocked(name)
	st.Running = false
	st.Last = &info
	s.mu.Unlock()
	level, args := slog.LevelInfo, []any{"schedule", name, "result", info.Result, "duration", info.Finished.Sub(info.Started)}
	if info.Result != ResultOK {
		level, args = slog.LevelWarn, append(args, "err", info.Error)
	}
	s.opts.Logger.Log(context.Background(), level, "schedule job finished", args...)
}
