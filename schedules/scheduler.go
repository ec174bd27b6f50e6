package schedules

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"
)

// Skip reasons: why a fire did not run its job.
const (
	SkipOverlap = "overlap" // the same schedule's job was running or waiting
	// SkipBusy: another schedule's job held the workspace for all of
	// Options.MaxWait.
	SkipBusy = "busy"
	// SkipLocked: another process held the workspace lock for all of
	// Options.MaxWait.
	SkipLocked = "locked"
	SkipMissed = "missed" // the scheduler was not running at the fire time
)

// Results of a job run.
const (
	ResultOK       = "ok"
	ResultFailed   = "failed"   // the job returned an error or panicked
	ResultTimeout  = "timeout"  // the schedule's Timeout canceled it
	ResultCanceled = "canceled" // Stop canceled it
)

// Options configure a Scheduler. The zero value is ready to use.
type Options struct {
	// Lock, if set, is taken around every job so that other processes
	// serving or running on the same workspace do not run at the same
	// time; a fire that finds it held is skipped with SkipLocked.
	// Defaults to no cross-process lock.
	Lock Locker
	// Logger receives fires, skips and results. Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Now is the wall clock. Defaults to time.Now.
	Now func() time.Time
	// MaxWait bounds how long a fire waits for another schedule's job to
	// end, or for another process to release the workspace lock, before
	// it is skipped (SkipBusy, SkipLocked). Defaults to 1h.
	MaxWait time.Duration
	// LockPoll is how often a fire waiting for another process's lock
	// tries it again. Defaults to 1s.
	LockPoll time.Duration
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxWait <= 0 {
		o.MaxWait = time.Hour
	}
	if o.LockPoll <= 0 {
		o.LockPoll = time.Second
	}
	return o
}

// Status is a snapshot of one schedule.
type Status struct {
	Name string `json:"name"`
	Spec string `json:"spec"`
	// Next is the next fire time, in the zone of the spec's CRON_TZ or TZ
	// (else of the clock, Options.Now) as [Next] gives it; zero before
	// Start, after Stop, or when the spec never fires again.
	Next    time.Time `json:"next,omitzero"`
	Running bool      `json:"running"`
	// Waiting says a fire waits for the workspace (see Options.MaxWait).
	Waiting bool `json:"waiting"`
	// Runs counts the jobs started; Skipped counts fires that did not run
	// by reason.
	Runs    int            `json:"runs"`
	Skipped map[string]int `json:"skipped"`
	// Queued counts the fires that had to wait for the workspace before
	// running (or being skipped), and Waited is their total wait.
	Queued int           `json:"queued"`
	Waited time.Duration `json:"waited_ns"`
	// Last is the last finished run; nil before one finishes.
	Last *RunInfo `json:"last,omitempty"`
}

// RunInfo describes one finished job run.
type RunInfo struct {
	Fire    time.Time `json:"fire"` // the scheduled time it ran for, in the spec's zone as Next
	Started time.Time `json:"started"`
	// Waited is how long the fire waited for the workspace: another
	// schedule's job, or another process's lock.
	Waited   time.Duration `json:"waited_ns,omitempty"`
	Finished time.Time     `json:"finished"`
	Result   string        `json:"result"` // ResultOK, ResultFailed, ...
	Error    string        `json:"error,omitempty"`
}

// Scheduler runs schedules. Its methods are safe for concurrent use.
type Scheduler struct {
	opts Options
	wg   sync.WaitGroup // loops and jobs

	mu      sync.Mutex
	groups  []*group
	stats   map[string]*Status // by schedule name; survives reloads
	busy    string             // the running job's schedule, "" when idle
	queue   []*waiter          // fires waiting for the running job, in arrival order
	ctx     context.Context    // nil before Start
	cancel  context.CancelFunc
	stopped bool
}

// New checks the schedules and returns a scheduler for them; nothing
// fires before Start.
func New(scheds []Schedule, opts Options) (*Scheduler, error) {
	gs, err := compile(scheds)
	if err != nil {
		return nil, fmt.Errorf("schedules: %w", err)
	}
	s := &Scheduler{opts: opts.withDefaults(), groups: gs, stats: map[string]*Status{}}
	for _, g := range gs {
		g.s = s
	}
	return s, nil
}

// Start starts one goroutine per schedule. Jobs run with contexts derived
// from ctx; canceling ctx stops scheduling and cancels jobs, but only Stop
// waits for them.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopped:
		return ErrStopped
	case s.ctx != nil:
		return fmt.Errorf("schedules: already started")
	}
	s.ctx, s.cancel = context.WithCancel(ctx)
	for _, g := range s.groups {
		s.startLocked(g)
	}
	return nil
}

// Stop stops scheduling, cancels running jobs through their context and
// waits for the loops and jobs to return. It may be called more than once.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	s.stopped = true
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Reload replaces the schedules. If any of the new ones is invalid it
// returns the error and keeps the current set unchanged. Schedules whose
// name, spec and timeout are unchanged keep their loop; the others are
// stopped and started afresh. Counters follow the name, and a running job
// of a removed or changed schedule finishes undisturbed.
func (s *Scheduler) Reload(scheds []Schedule) error {
	gs, err := compile(scheds)
	if err != nil {
		return fmt.Errorf("schedules: reload (keeping the current schedules): %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return ErrStopped
	}
	old := map[string]*group{}
	for _, g := range s.groups {
		old[g.sched.Name] = g
	}
	for i, g := range gs {
		if o := old[g.sched.Name]; o != nil && o.sched.Spec == g.sched.Spec && o.sched.Timeout == g.sched.Timeout {
			o.sched.Job = g.sched.Job
			gs[i] = o
			delete(old, g.sched.Name)
			continue
		}
		g.s = s
		if s.ctx != nil {
			s.startLocked(g)
		}
	}
	for _, o := range old {
		close(o.quit)
	}
	s.groups = gs
	return nil
}

// Status returns a snapshot of every schedule, in the order given.
func (s *Scheduler) Status() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, len(s.groups))
	for i, g := range s.groups {
		st := *s.statLocked(g.sched.Name)
		st.Spec = g.sched.Spec
		st.Skipped = maps.Clone(st.Skipped)
		if st.Last != nil {
			last := *st.Last
			st.Last = &last
		}
		if s.stopped {
			st.Next = time.Time{}
		}
		out[i] = st
	}
	return out
}

func (s *Scheduler) startLocked(g *group) {
	s.wg.Add(1)
	go g.loop(s.ctx)
}

// statLocked returns the counters of the named schedule.
func (s *Scheduler) statLocked(name string) *Status {
	st := s.stats[name]
	if st == nil {
		st = &Status{Name: name, Skipped: map[string]int{}}
		s.stats[name] = st
	}
	return st
}

func (s *Scheduler) setNext(name string, next time.Time) {
	s.mu.Lock()
	s.statLocked(name).Next = next
	s.mu.Unlock()
}

// skip counts n skipped fires of a schedule.
func (s *Scheduler) skip(name, reason string, n int, at time.Time) {
	s.mu.Lock()
	s.statLocked(name).Skipped[reason] += n
	s.mu.Unlock()
	s.opts.Logger.Warn("schedule fire skipped", "schedule", name, "reason", reason, "fires", n, "at", at)
}
