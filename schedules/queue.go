package schedules

import (
	"context"
	"errors"
	"slices"
	"time"
)

// waiter is one fire on its way to running: waiting for the running job
// (in Scheduler.queue, until release grants it the workspace) and for
// another process's workspace lock.
type waiter struct {
	sched Schedule
	at    time.Time     // the fire time
	start time.Time     // when the fire came (monotonic), for MaxWait
	ready chan struct{} // closed by release when granted; nil when not queued

	// Under Scheduler.mu:
	granted bool // release gave it the workspace
	waiting bool // counted in Status.Queued, its wait not yet ended
}

// waitingLocked says whether a fire of the named schedule waits.
func (s *Scheduler) waitingLocked(name string) bool {
	return slices.ContainsFunc(s.queue, func(w *waiter) bool { return w.sched.Name == name })
}

// beginWaitLocked counts a fire as waiting.
func (s *Scheduler) beginWaitLocked(w *waiter) {
	if w.waiting {
		return
	}
	w.waiting = true
	st := s.statLocked(w.sched.Name)
	st.Queued++
	st.Waiting = true
}

// endWait ends a fire's wait, if it waited, adding it to the schedule's
// Waited; it returns the wait.
func (s *Scheduler) endWait(w *waiter) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !w.waiting {
		return 0
	}
	w.waiting = false
	d := time.Since(w.start)
	st := s.statLocked(w.sched.Name)
	st.Waiting = false
	st.Waited += d
	return d
}

// await waits until release grants the fire the workspace, then runs its
// job; after Options.MaxWait, or on Stop, it leaves the queue instead.
func (s *Scheduler) await(ctx context.Context, w *waiter) {
	timer := time.NewTimer(s.opts.MaxWait)
	defer timer.Stop()
	select {
	case <-w.ready:
	case <-timer.C:
	case <-ctx.Done():
	}
	s.mu.Lock()
	if w.granted {
		s.mu.Unlock()
		s.runJob(ctx, w)
		return
	}
	s.queue = slices.DeleteFunc(s.queue, func(x *waiter) bool { return x == w })
	s.mu.Unlock()
	s.endWait(w)
	if ctx.Err() == nil {
		s.skip(w.sched.Name, SkipBusy, 1, w.at)
	}
	s.wg.Done()
}

// release ends the running job's hold on the workspace and grants it to
// the waiting fire with the highest priority, the earliest come among
// equals.
func (s *Scheduler) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = ""
	if len(s.queue) == 0 {
		return
	}
	best := 0
	for i, w := range s.queue {
		if w.sched.Priority > s.queue[best].sched.Priority {
			best = i
		}
	}
	w := s.queue[best]
	s.queue = slices.Delete(s.queue, best, best+1)
	w.granted = true
	s.busy = w.sched.Name
	close(w.ready)
}

// lock takes the workspace lock, trying again every Options.LockPoll
// while another process holds it, until Options.MaxWait after the fire.
func (s *Scheduler) lock(ctx context.Context, w *waiter) error {
	deadline := w.start.Add(s.opts.MaxWait)
	for {
		err := s.opts.Lock.TryLock()
		if !errors.Is(err, ErrLocked) {
			return err
		}
		s.mu.Lock()
		s.beginWaitLocked(w)
		s.mu.Unlock()
		left := time.Until(deadline)
		if left <= 0 {
			return err
		}
		t := time.NewTimer(min(s.opts.LockPoll, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
