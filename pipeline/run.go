package pipeline

import (
	"context"
	"encoding/json"
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
	dir  string // runs/<id>
	// champ is the champion once loaded; the run's stages share it, so
	// its model and profile are read and verified once.
	champ *champion
}

// Run performs one pass of the pipeline (see the package doc) and returns
// its record, which is also written to runs/<id>/run.json with a report.
// The error wraps ErrBlocked when data quality or the gates stopped the
// run; other errors mean the run failed. The champion changes only by one
// atomic promotion at the end.
func Run(ctx context.Context, cfg *Config, opts Options) (*Record, error) {
	if err := opts.Policy.check(); err != nil {
		return nil, err
	}
	r, err := openRun(ctx, cfg, opts.withDefaults())
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
	if err != nil || !retrain {
		return markDone(ctx, r, batch, err)
	}
	if err := r.retrain(ctx); err != nil {
		return err
	}
	return markDone(ctx, r, batch, nil)
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

// markDone records the batch's files as processed, so a repeated run skips
// them.
func markDone(ctx context.Context, r *run, b *newData, err error) error {
	if err != nil {
		return err
	}
	return r.reg.MarkProcessed(ctx, r.rec.ID, b.files)
}

// stage times one step and records it.
func (r *run) stage(name string, fn func(s *Stage) error) error {
	s := Stage{Name: name, Status: StageOK, Started: time.Now()}
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
	r.opts.Logger.Info("stage", "run", r.rec.ID, "stage", name, "status", s.Status, "duration", s.Duration.Round(time.Millisecond))
	return err
}

func (r *run) skip(name, why string) {
	r.rec.Stages = append(r.rec.Stages, Stage{Name: name, Status: StageSkipped, Started: time.Now(), Notes: []string{why}})
}

func (r *run) reason(format string, args ...any) {
	r.rec.Reasons = append(r.rec.Reasons, fmt.Sprintf(format, args...))
}

// finish closes the run in the catalog and writes its record and report.
func (r *run) finish(ctx context.Context, runErr error) (*Record, error) {
	rec := r.rec
	rec.Finished = time.Now()
	status := registry.RunSucceeded
	switch {
	case errors.Is(runErr, ErrBlocked):
		status = registry.RunBlocked
		if rec.Outcome == "" {
			rec.Outcome = OutcomeBlockedData
		}
	case runErr != nil:
		rec.Outcome, rec.Error, status = OutcomeFailed, runErr.Error(), registry.RunFailed
	}
	if err := writeRecord(r.dir, rec); err != nil && runErr == nil {
		runErr = err
	}
	reasons, _ := json.Marshal(rec.Reasons) // a []string always encodes
	if err := r.reg.FinishRun(context.WithoutCancel(ctx), rec.ID, status, reasons); err != nil && runErr == nil {
		runErr = err
	}
	return rec, runErr
}
