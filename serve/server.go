package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/workspace"
)

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// ConfigPath is the configuration file's path, shown in /healthz.
	ConfigPath string
	// Limits are the input limits jobs read data with.
	Limits ingest.Limits
	// Logger receives the scheduler's and the jobs' logs. Defaults to
	// slog.Default().
	Logger *slog.Logger
	// Now is the scheduler's clock. Defaults to time.Now.
	Now func() time.Time
	// FailingRuns is how many scheduled runs in a row must fail for
	// /healthz to report failing. Defaults to 3.
	FailingRuns int
	// Scoring, when set, serves the workspace's champion (and, with
	// AllVersions, every version) over the Open Inference Protocol under
	// /v2. Defaults to no scoring.
	Scoring *ScoringOptions
	// Token, when set, is the bearer token every request but the health
	// checks (/healthz, /v2/health/...) must carry. CheckListen requires
	// one for an address beyond loopback. Defaults to none.
	Token string
	// Extra answers every path the Server does not (it is mounted at
	// "/"), e.g. the dashboard. Defaults to none (404).
	Extra http.Handler
	// GCPercent, when above zero, is the Go garbage collector's target
	// (runtime/debug.SetGCPercent, what GOGC sets) for the whole process
	// from Start to Stop: a collection starts when the heap has grown by
	// this percentage of the live heap. Online scoring makes short-lived
	// garbage on every request; 400 spent about a fifth less CPU per
	// single-row request than the runtime's 100 in BENCHMARKS.md's load
	// test, for a heap up to five times the live one. Defaults to 0: the
	// runtime's setting (GOGC, else 100) stays.
	GCPercent int
	// MemoryLimit, when above zero, is the process's soft memory limit in
	// bytes (runtime/debug.SetMemoryLimit, what GOMEMLIMIT sets) from Start
	// to Stop: the collector runs as often as it must to stay under it,
	// whatever GCPercent allows. Defaults to 0: the runtime's setting
	// (GOMEMLIMIT, else none) stays.
	MemoryLimit int64
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.FailingRuns <= 0 {
		o.FailingRuns = 3
	}
	if o.Scoring != nil {
		sc := o.Scoring.withDefaults()
		o.Scoring = &sc
	}
	return o
}

// Server is the daemon: the configuration, its scheduler, and what the
// jobs did.
type Server struct {
	opts  Options
	cfg   atomic.Pointer[pipeline.Config]
	sched *schedules.Scheduler

	mu sync.Mutex
	m  jobMetrics

	// Online scoring; nil models when Options.Scoring is nil.
	models    *models
	scoring   *scoreMetrics
	gc        *gcSettings                // the runtime's, to restore at Stop
	lastHdr   atomic.Pointer[versionHdr] // the VersionHeader value last set
	stopWatch context.CancelFunc
	watchDone chan struct{}
}

// New returns a Server for cfg, with /metrics seeded from the workspace's
// recent run records. It does not start the schedules (see Start).
func New(ctx context.Context, cfg *pipeline.Config, opts Options) (*Server, error) {
	s := &Server{opts: opts.withDefaults(), m: newJobMetrics()}
	s.cfg.Store(cfg)
	s.seed(ctx)
	if s.opts.Scoring != nil {
		s.models = newModels(cfg.Path(cfg.Workspace), *s.opts.Scoring, s.opts.Logger)
		s.scoring = newScoreMetrics()
		if err := s.models.refresh(ctx); err != nil {
			s.opts.Logger.Warn("loading the champion; not serving one yet", "err", err)
		}
	}
	var err error
	s.sched, err = schedules.New(s.schedulesOf(cfg), schedules.Options{
		Lock: WorkspaceLock(cfg), Logger: s.opts.Logger, Now: s.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	return s, nil
}

// WorkspaceLock is the lock every job of cfg's workspace takes.
func WorkspaceLock(cfg *pipeline.Config) *schedules.FileLock {
	return workspace.Dir(cfg.Path(cfg.Workspace)).Lock()
}

// Config is the configuration in force.
func (s *Server) Config() *pipeline.Config { return s.cfg.Load() }

// Start starts the schedules, and the champion's watcher when scoring;
// ctx bounds the jobs.
func (s *Server) Start(ctx context.Context) error {
	if err := s.sched.Start(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if s.models != nil {
		s.startWatch(ctx)
	}
	s.gc = setGC(s.opts.GCPercent, s.opts.MemoryLimit)
	return nil
}

// Reload swaps in cfg. On any error (an invalid schedule, a different
// workspace) the current schedules and configuration stay.
func (s *Server) Reload(cfg *pipeline.Config) error {
	old := s.Config()
	if filepath.Clean(cfg.Path(cfg.Workspace)) != filepath.Clean(old.Path(old.Workspace)) {
		return errors.New("serve: reload: the workspace changed: restart refit serve to move it")
	}
	if err := s.sched.Reload(s.schedulesOf(cfg)); err != nil {
		return fmt.Errorf("serve: reload: %w", err)
	}
	s.cfg.Store(cfg)
	return nil
}

// Stop stops scheduling, cancels running jobs and waits for them, or for
// ctx.
func (s *Server) Stop(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.sched.Stop()
		if s.stopWatch != nil {
			s.stopWatch()
			<-s.watchDone
		}
		if s.models != nil {
			s.models.close()
		}
		s.gc.restore()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("serve: stop: %w", ctx.Err())
	}
}

// Handler is the Server's HTTP API (see the package doc).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /metrics", s.metrics)
	if s.models != nil {
		s.routeV2(mux)
	}
	if s.opts.Extra != nil {
		mux.Handle("/", s.opts.Extra)
	}
	return s.authorized(mux)
}
