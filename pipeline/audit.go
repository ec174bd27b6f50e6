package pipeline

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
)

// Audit is the data half of Run, for `refit serve`'s audit job: it finds
// the files not processed yet, profiles and checks them against the
// expectations (and their coverage), and measures their drift against the
// champion's training data. It trains nothing, changes no model and does
// not mark the files processed, so the next Run still sees them. The
// record (Outcome OutcomeAudited, OutcomeNoData or OutcomeBlockedData) is
// written to runs/<id>/run.json and the catalog like a run's; the error
// wraps ErrBlocked when the data has errors. opts.Force is ignored.
func Audit(ctx context.Context, cfg *Config, opts Options) (*Record, error) {
	opts.Force = false
	if opts.Trigger == "" {
		opts.Trigger = "audit"
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
	return r.finish(ctx, r.audit(ctx))
}

// openRun opens the workspace, repairs what interrupted runs left in it
// (recoverWorkspace) and starts a run in the catalog.
func openRun(ctx context.Context, cfg *Config, opts Options) (*run, error) {
	ws := cfg.Path(cfg.Workspace)
	if err := os.MkdirAll(ws, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: workspace %s: %w", ws, err)
	}
	reg, err := openWorkspace(ctx, ws, registry.Options{Now: func() time.Time { return opts.Now }})
	if err != nil {
		return nil, err
	}
	recovered, err := recoverWorkspace(ctx, reg, ws)
	if err != nil {
		_ = reg.Close()
		return nil, err
	}
	quarantine, err := quarantined(ctx, reg)
	if err != nil {
		_ = reg.Close()
		return nil, err
	}
	rr, err := reg.StartRun(ctx, opts.Trigger)
	if err != nil {
		_ = reg.Close()
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	rec := &Record{ID: rr.ID, Trigger: opts.Trigger, Clock: opts.Now, Started: time.Now()}
	r := &run{cfg: cfg, opts: opts, reg: reg, rec: rec, ws: ws, dir: workspace.Dir(ws).RunPath(rr.ID), quarantine: quarantine}
	if !recovered.Empty() {
		notes := recovered.Notes()
		rec.Stages = append(rec.Stages, Stage{Name: "recover", Status: "ok", Started: rec.Started, Notes: notes})
		opts.Logger.Warn("recovered the workspace", "run", rr.ID, "interrupted", recovered.Interrupted, "removed", len(recovered.Removed))
	}
	return r, nil
}

// openWorkspace opens the workspace's registry.
func openWorkspace(ctx context.Context, ws string, opts registry.Options) (*registry.Registry, error) {
	reg, err := registry.Open(ctx, ws, opts)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	return reg, nil
}

// audit runs discover and validate, then drift when there is a champion.
func (r *run) audit(ctx context.Context) error {
	if err := r.resolveChampion(ctx); err != nil {
		return err
	}
	batch, err := r.discover(ctx)
	if err != nil || batch == nil {
		return err
	}
	if err := r.check(ctx, batch); err != nil {
		return err
	}
	if r.rec.ChampionBefore != "" {
		err := r.stage("drift", func(*Stage) error {
			champ, err := r.loadChampion(ctx)
			if err == nil {
				_, err = r.drift(ctx, champ, batch)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	r.rec.Outcome = OutcomeAudited
	r.reason("audit only: %d new files checked; nothing trained, the files are left for the next run", len(batch.files))
	return nil
}
