package serve

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/workspace"
)

// jobMetrics is what the jobs did, for /healthz and /metrics.
type jobMetrics struct {
	Runs        map[[2]string]int    // by job kind and outcome
	LastSuccess map[string]time.Time // by job kind: the last run without error
	LastOutcome map[string]string    // by schedule name
	Drift       []drift.Feature
	Champion    map[string]float64 // the champion's metrics on its last evaluation
	// RunsFailed counts the scheduled runs (job "run") that failed in a
	// row, up to now; a run that did not fail resets it.
	RunsFailed int
}

// jobOutcomes are the outcomes refit_runs_total has a sample for from the
// start, by job kind.
var jobOutcomes = map[string][]pipeline.Outcome{
	"run": {pipeline.OutcomePromoted, pipeline.OutcomeRejected, pipeline.OutcomeKept, pipeline.OutcomeNoData,
		pipeline.OutcomeBlockedData, pipeline.OutcomeNotPromoted, pipeline.OutcomeFailed},
	"audit": {pipeline.OutcomeAudited, pipeline.OutcomeNoData, pipeline.OutcomeBlockedData, pipeline.OutcomeFailed},
}

func newJobMetrics() jobMetrics {
	m := jobMetrics{Runs: map[[2]string]int{}, LastSuccess: map[string]time.Time{},
		LastOutcome: map[string]string{}, Champion: map[string]float64{}}
	for kind, outcomes := range jobOutcomes {
		for _, o := range outcomes {
			m.Runs[[2]string{kind, string(o)}] = 0
		}
	}
	return m
}

func (s *Server) schedulesOf(cfg *pipeline.Config) []schedules.Schedule {
	out := make([]schedules.Schedule, len(cfg.Schedules))
	for i, sc := range cfg.Schedules {
		out[i] = schedules.Schedule{Name: sc.Name, Spec: sc.Cron, Timeout: time.Duration(sc.Timeout), Job: s.job(sc.Job), Priority: jobPriority(sc.Job)}
	}
	return out
}

// jobPriority puts runs before audits among the fires waiting for the
// workspace: an audit never delays a retrain.
func jobPriority(kind string) int {
	if kind == "run" {
		return 1
	}
	return 0
}

// job runs one pipeline pass (kind "run") or audit (kind "audit"). A run
// blocked by data or gates completed, so it is not a job error.
func (s *Server) job(kind string) schedules.Job {
	return func(ctx context.Context, name string) error {
		do := pipeline.Run
		if kind == "audit" {
			do = pipeline.Audit
		}
		opts := pipeline.Options{Trigger: "schedule:" + name, Limits: s.opts.Limits, Logger: s.opts.Logger}
		rec, err := do(ctx, s.Config(), opts)
		s.observe(kind, name, rec, err)
		if errors.Is(err, pipeline.ErrBlocked) {
			return nil
		}
		return err
	}
}

func (s *Server) observe(kind, name string, rec *pipeline.Record, err error) {
	outcome := pipeline.OutcomeFailed
	if rec != nil && rec.Outcome != "" {
		outcome = rec.Outcome
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.Runs[[2]string{kind, string(outcome)}]++
	s.m.LastOutcome[name] = string(outcome)
	if err == nil {
		s.m.LastSuccess[kind] = time.Now()
	}
	if kind == "run" {
		s.m.RunsFailed++
		if outcome != pipeline.OutcomeFailed {
			s.m.RunsFailed = 0
		}
	}
	s.m.absorb(rec)
}

// absorb takes the drift and the champion's metrics from a record.
func (m *jobMetrics) absorb(rec *pipeline.Record) {
	if rec == nil {
		return
	}
	if rec.Drift != nil {
		m.Drift = rec.Drift.Features
	}
	if rec.Monitor != nil {
		m.Champion[rec.Monitor.Metric] = rec.Monitor.Value
	}
	name := rec.ChampionAfter
	if name != "" && name == rec.Candidate {
		name = "candidate" // the pipeline evaluates the candidate under this name
	}
	for _, res := range rec.Evaluation {
		if name != "" && res.Model == name {
			m.Champion = maps.Clone(res.Metrics)
		}
	}
}

// seed reads the workspace's recent run records, so /metrics has drift and
// champion values right after a restart.
func (s *Server) seed(ctx context.Context) {
	ws := s.Config().Path(s.Config().Workspace)
	reg, err := registry.Open(ctx, ws, registry.Options{MustExist: true})
	if err != nil {
		return
	}
	defer reg.Close()
	runs, err := reg.Runs(ctx, 20)
	if err != nil {
		s.opts.Logger.Warn("reading recent runs", "workspace", ws, "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range runs {
		if rec, err := workspace.Dir(ws).ReadRecord(r.ID); err == nil {
			s.m.absorb(rec)
		}
	}
}

func (s *Server) snapshot() jobMetrics {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.m
	m.Runs, m.LastSuccess, m.LastOutcome, m.Champion = maps.Clone(m.Runs), maps.Clone(m.LastSuccess), maps.Clone(m.LastOutcome), maps.Clone(m.Champion)
	return m
}

// Recover repairs what interrupted runs left in cfg's workspace
// (pipeline.Recover) while holding the workspace lock, and returns what it
// did. When another process holds the lock, that process is working on
// the workspace and has recovered it at its own start: Recover logs that
// to logger (if not nil) and does nothing.
func Recover(ctx context.Context, cfg *pipeline.Config, logger *slog.Logger) ([]string, error) {
	l := WorkspaceLock(cfg)
	if err := l.TryLock(); errors.Is(err, schedules.ErrLocked) {
		if logger != nil {
			logger.Info("workspace locked by another process: not recovering it", "err", err)
		}
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	defer func() { _ = l.Unlock() }()
	rec, err := pipeline.Recover(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return rec.Notes(), nil
}
