package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/registry"
)

// ErrBlocked marks a run stopped by data-quality errors or failed gates:
// the run worked, the champion is untouched, and the record says why.
var ErrBlocked = errors.New("run blocked")

// Options control one run. The zero value runs at the wall clock.
type Options struct {
	// Now is the run's clock: it bounds the training window and stamps
	// the records. Defaults to time.Now().
	Now time.Time
	// Force retrains even when nothing calls for it.
	Force bool
	// Trigger names what started the run, e.g. "schedule:nightly".
	// Defaults to "manual".
	Trigger string
	// Logger receives progress. Defaults to slog.Default().
	Logger *slog.Logger
	// Limits protect against hostile input files.
	Limits ingest.Limits
	// NewSince, when set, makes the run's new data the rows of the whole
	// source whose time lies in [NewSince, Now), whatever files hold
	// them, instead of the files not processed yet; the catalog's
	// processed files are neither read nor marked. Backtests replay
	// history with it, so one big file works as well as partitions.
	// Defaults to the files not processed yet.
	NewSince time.Time
	// Policy decides when to retrain and whether the gates bind (see
	// Policy). Defaults to PolicyConfigured.
	Policy Policy
	// Progress, when set, is told about each stage as it starts and ends,
	// and about each training epoch, from the run's goroutine (a terminal
	// display; see ProgressEvent). Defaults to nothing.
	Progress func(ProgressEvent)

	// beforeCommit, set only by tests, runs after the run's record is
	// written and before its commit.
	beforeCommit func()
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Trigger == "" {
		o.Trigger = "manual"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// run is the state of one pass.
type run struct {
	cfg  *Config
	opts Options
	reg  *registry.Registry
	rec  *Record
	ws   string // the workspace
	dir  string // runs/<id>
	// champ is the champion once loaded; the run's stages share it, so
	// its model and profile are read and verified once.
	champ *champion
	// What the run commits at its end (see finish): the files it consumed
	// and the promotion of its candidate, with the reason to record.
	consumed   []registry.FileInfo
	promo      *registry.RunPromotion
	promoteWhy string
	status     string // the run's catalog status, set by settle
	err        error  // the run's error, set by settle
	// quarantine maps the quarantined files' absolute paths to the
	// reason; the run reads none of them.
	quarantine map[string]string
}

// Run performs one pass of the pipeline (see the package doc) and returns
// its record, which is also written to runs/<id>/run.json with a report.
// The error wraps ErrBlocked when data quality or the gates stopped the
// run; other errors mean the run failed. The champion changes only by one
// transaction at the end, which also marks the new files processed and
// records the outcome (see registry.CommitRun).
func Run(ctx context.Context, cfg *Config, opts Options) (*Record, error) {
	if err := opts.Policy.check(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	if err := Preflight(ctx, cfg, ingest.Options{Limits: opts.Limits, Logger: opts.Logger, Strict: cfg.Data.Strict}); err != nil {
		return nil, err
	}
	r, err := openRun(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	defer r.reg.Close()
	return r.finish(ctx, r.stages(ctx))
}

// stages runs the pipeline's steps in order; each returns early when the
// run is decided.
func (r *run) stages(ctx context.Context) error {
	if err := r.resolveChampion(ctx); err != nil {
		return err
	}
	batch, err := r.discover(ctx)
	if err != nil {
		return err
	}
	if batch == nil {
		if !r.opts.Force {
			return nil
		}
		return r.forceOnWindow(ctx)
	}
	if err := r.check(ctx, batch); err != nil {
		return err
	}
	retrain, err := r.decide(ctx, batch)
	if err != nil {
		return err
	}
	if retrain {
		if err := r.retrain(ctx); err != nil {
			return err
		}
	}
	// The files are marked processed by the run's commit, with its
	// outcome and promotion, so a repeated run skips them.
	r.consumed = batch.files
	return nil
}

// forceOnWindow retrains on the training window when --force finds no new
// files: the data was checked when it arrived, so only training and the
// gates run.
func (r *run) forceOnWindow(ctx context.Context) error {
	r.reason("retrain forced with no new data: training on the window %s", r.window())
	r.rec.Triggers = append(r.rec.Triggers, Trigger{Cause: CauseForce, Fired: true, Note: "no new data"})
	r.skip("validate", "no new files")
	r.skip("decide", "retrain forced")
	return r.retrain(ctx)
}

// resolveChampion notes the champion the run starts from, if any.
func (r *run) resolveChampion(ctx context.Context) error {
	if champ, err := r.reg.Resolve(ctx, "champion"); err == nil {
		r.rec.ChampionBefore = champ.ID
	} else if !errors.Is(err, registry.ErrNotFound) {
		return err
	}
	r.rec.ChampionAfter = r.rec.ChampionBefore
	return nil
}

// stage times one step and records it.
func (r *run) stage(name string, fn func(s *Stage) error) error {
	s := Stage{Name: name, Status: StageOK, Started: time.Now()}
	r.progress(ProgressEvent{Stage: name})
	err := fn(&s)
	s.Duration = time.Since(s.Started)
	switch {
	case errors.Is(err, ErrBlocked):
		s.Status = StageBlocked
	case err != nil:
		s.Status = StageFailed
		s.Notes = append(s.Notes, err.Error())
	}
	r.rec.Stages = append(r.rec.Stages, s)
	r.progress(ProgressEvent{Stage: name, Done: true, Status: s.Status})
	r.opts.Logger.Info("stage", "run", r.rec.ID, "stage", name, "status", s.Status, "duration", s.Duration.Round(time.Millisecond))
	return err
}

func (r *run) skip(name, why string) {
	r.rec.Stages = append(r.rec.Stages, Stage{Name: name, Status: StageSkipped, Started: time.Now(), Notes: []string{why}})
}

func (r *run) reason(format string, args ...any) {
	r.rec.Reasons = append(r.rec.Reasons, fmt.Sprintf(format, args...))
}
