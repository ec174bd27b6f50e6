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

// fire starts the group's job for the fire time at, or, when another
// schedule's job holds the workspace, makes it wait (await) up to
// Options.MaxWait. A fire of a schedule whose job runs or waits already is
// skipped as an overlap.
func (s *Scheduler) fire(ctx context.Context, g *group, at time.Time) {
	s.mu.Lock()
	sched := g.sched
	name := sched.Name
	if s.busy == name || s.waitingLocked(name) {
		s.mu.Unlock()
		s.skip(name, SkipOverlap, 1, at)
		return
	}
	w := &waiter{sched: sched, at: at, start: time.Now()}
	s.wg.Add(1)
	if s.busy == "" {
		s.busy = name
		s.mu.Unlock()
		go s.runJob(ctx, w)
		return
	}
	w.ready = make(chan struct{})
	s.queue = append(s.queue, w)
	s.beginWaitLocked(w)
	busy := s.busy
	s.mu.Unlock()
	s.opts.Logger.Info("schedule fire waits for the workspace", "schedule", name, "behind", busy, "at", at, "max_wait", s.opts.MaxWait)
	go s.await(ctx, w)
}

// runJob takes the workspace lock (waiting for another process's up to
// Options.MaxWait), runs the job with its timeout and records the result.
func (s *Scheduler) runJob(ctx context.Context, w *waiter) {
	defer s.wg.Done()
	defer s.release()
	sched, at := w.sched, w.at
	if s.opts.Lock != nil {
		if err := s.lock(ctx, w); err != nil {
			s.lockFailed(ctx, w, err)
			return
		}
		defer s.unlock(sched.Name)
	}
	info := RunInfo{Fire: at, Started: s.opts.Now(), Waited: s.endWait(w)}
	s.started(sched.Name, at, info.Waited)
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

func (s *Scheduler) lockFailed(ctx context.Context, w *waiter, err error) {
	s.endWait(w)
	name := w.sched.Name
	switch {
	case ctx.Err() != nil:
		return // stopped while waiting
	case errors.Is(err, ErrLocked):
		s.skip(name, SkipLocked, 1, w.at)
		return
	}
	now := s.opts.Now()
	s.finished(name, RunInfo{Fire: w.at, Started: now, Finished: now, Result: ResultFailed, Error: err.Error()})
}

func (s *Scheduler) unlock(name string) {
	if err := s.opts.Lock.Unlock(); err != nil {
		s.opts.Logger.Error("workspace unlock", "schedule", name, "err", err)
	}
}

func (s *Scheduler) started(name string, at time.Time, waited time.Duration) {
	s.mu.Lock()
	st := s.statLocked(name)
	st.Runs++
	st.Running = true
	s.mu.Unlock()
	s.opts.Logger.Info("schedule fired", "schedule", name, "at", at, "waited", waited)
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
