package main

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/validate"
)

// daemon is the state of `refit serve`: the configuration, the scheduler,
// and what the jobs did, for /healthz and /metrics.
type daemon struct {
	path  string // the config file, re-read on SIGHUP
	cfg   atomic.Pointer[pipeline.Config]
	sched *schedules.Scheduler

	mu sync.Mutex
	m  serveMetrics
}

// serveMetrics is what /metrics reports beside the scheduler's counters.
type serveMetrics struct {
	Runs        map[[2]string]int    // by job kind and outcome
	LastSuccess map[string]time.Time // by job kind: the last run without error
	LastOutcome map[string]string    // by schedule name
	Drift       []validate.FeatureDrift
	Champion    map[string]float64 // the champion's metrics on its last evaluation
}

func newDaemon(path string, cfg *pipeline.Config) *daemon {
	d := &daemon{path: path, m: serveMetrics{
		Runs: map[[2]string]int{}, LastSuccess: map[string]time.Time{},
		LastOutcome: map[string]string{}, Champion: map[string]float64{},
	}}
	d.cfg.Store(cfg)
	return d
}

func (d *daemon) config() *pipeline.Config { return d.cfg.Load() }

func (d *daemon) schedulesOf(cfg *pipeline.Config) []schedules.Schedule {
	out := make([]schedules.Schedule, len(cfg.Schedules))
	for i, s := range cfg.Schedules {
		out[i] = schedules.Schedule{Name: s.Name, Spec: s.Cron, Timeout: time.Duration(s.Timeout), Job: d.job(s.Job), Priority: jobPriority(s.Job)}
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
func (d *daemon) job(kind string) schedules.Job {
	return func(ctx context.Context, name string) error {
		do := pipeline.Run
		if kind == "audit" {
			do = pipeline.Audit
		}
		opts := pipeline.Options{Trigger: "schedule:" + name, Limits: inputLimits, Logger: slog.Default()}
		rec, err := do(ctx, d.config(), opts)
		d.observe(kind, name, rec, err)
		if errors.Is(err, pipeline.ErrBlocked) {
			return nil
		}
		return err
	}
}

func (d *daemon) observe(kind, name string, rec *pipeline.Record, err error) {
	outcome := pipeline.OutcomeFailed
	if rec != nil && rec.Outcome != "" {
		outcome = rec.Outcome
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m.Runs[[2]string{kind, string(outcome)}]++
	d.m.LastOutcome[name] = string(outcome)
	if err == nil {
		d.m.LastSuccess[kind] = time.Now()
	}
	d.m.absorb(rec)
}

// absorb takes the drift and the champion's metrics from a record.
func (m *serveMetrics) absorb(rec *pipeline.Record) {
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
func (d *daemon) seed(ctx context.Context) {
	ws := d.config().Path(d.config().Workspace)
	reg, err := openExisting(ctx, ws)
	if err != nil {
		return
	}
	defer reg.Close()
	runs, err := reg.Runs(ctx, 20)
	if err != nil {
		slog.Warn("reading recent runs", "workspace", ws, "err", err)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range runs {
		if rec, err := readRunRecord(ws, r.ID); err == nil {
			d.m.absorb(rec)
		}
	}
}

func (d *daemon) snapshot() serveMetrics {
	d.mu.Lock()
	defer d.mu.Unlock()
	m := d.m
	m.Runs, m.LastSuccess, m.LastOutcome, m.Champion = maps.Clone(m.Runs), maps.Clone(m.LastSuccess), maps.Clone(m.LastOutcome), maps.Clone(m.Champion)
	return m
}

func (d *daemon) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", d.healthz)
	mux.HandleFunc("GET /metrics", d.metrics)
	mountDashboard(mux, d.config())
	return mux
}

// healthEntry is one schedule in /healthz.
type healthEntry struct {
	schedules.Status
	Job         string `json:"job"`
	LastOutcome string `json:"last_outcome,omitempty"`
}

func (d *daemon) healthz(w http.ResponseWriter, _ *http.Request) {
	cfg, m := d.config(), d.snapshot()
	jobs := map[string]string{}
	for _, s := range cfg.Schedules {
		jobs[s.Name] = s.Job
	}
	var entries []healthEntry
	for _, st := range d.sched.Status() {
		entries = append(entries, healthEntry{Status: st, Job: jobs[st.Name], LastOutcome: m.LastOutcome[st.Name]})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = writeJSON(w, map[string]any{
		"status": "ok", "config": d.path, "workspace": filepath.Clean(cfg.Path(cfg.Workspace)), "schedules": entries,
	})
}
