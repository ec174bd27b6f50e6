package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/workspace"
	"github.com/spf13/cobra"
)

type runFlags struct {
	config, now, format string
	force               bool
}

func newRunCmd(c *cli) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the pipeline once: check new data, retrain if needed, gate, promote",
		Long: `run performs one pass of the pipeline of refit.yaml on the files not
processed yet: profile and check them, measure drift against the champion,
retrain when needed, evaluate the candidate against the champion and promote
it when every gate passes. It holds the workspace lock (refit.lock) while it
runs, so it never overlaps a run of 'refit serve'.

Exit codes: 0 the run completed (promoted or not), 1 blocked by data quality
or gates, 2 errors (including a workspace locked by another process).`,
		Example: `  refit run --config refit.yaml
  refit run --config refit.yaml --now 2024-03-01 --force --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runOnce(cmd, c, f) },
	}
	cmd.Flags().StringVar(&f.config, "config", "refit.yaml", "pipeline configuration")
	cmd.Flags().StringVar(&f.now, "now", "", "the run's clock, RFC 3339 or a date (default: the current time)")
	cmd.Flags().BoolVar(&f.force, "force", false, "retrain even when nothing calls for it")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or json (the run record)")
	return cmd
}

func runOnce(cmd *cobra.Command, c *cli, f runFlags) error {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return err
	}
	now, err := parseClock(f.now)
	if err != nil {
		return err
	}
	cfg, err := pipeline.Load(f.config)
	if err != nil {
		return err
	}
	unlock, err := lockWorkspace(cfg, c.log)
	if err != nil {
		return err
	}
	defer unlock()
	rec, err := pipeline.Run(cmd.Context(), cfg, pipeline.Options{Now: now, Force: f.force, Trigger: "manual", Limits: c.limits, Logger: c.log,
		Progress: newDisplay(cmd.ErrOrStderr(), f.format).runProgress()})
	if rec != nil {
		if werr := writeRunResult(cmd.OutOrStdout(), f.format, cfg, rec); werr != nil && err == nil {
			err = werr
		}
	}
	if errors.Is(err, pipeline.ErrBlocked) {
		return fmt.Errorf("%w: %w", errFailed, err)
	}
	return err
}

// parseClock reads a --now flag: RFC 3339 or a date (UTC midnight); empty
// is the current time.
func parseClock(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--now %q: want RFC 3339 (2024-03-01T02:00:00Z) or a date (2024-03-01)", s)
}

// lockWorkspace takes the workspace's lock file, which `refit serve` takes
// around each job, and returns its release.
func lockWorkspace(cfg *pipeline.Config, log *slog.Logger) (func(), error) {
	ws := cfg.Path(cfg.Workspace)
	if err := os.MkdirAll(ws, 0o755); err != nil {
		return nil, fmt.Errorf("workspace %s: %w", ws, err)
	}
	l := workspaceLock(cfg)
	if err := l.TryLock(); err != nil {
		return nil, err
	}
	return func() {
		if err := l.Unlock(); err != nil {
			log.Error("workspace unlock", "err", err)
		}
	}, nil
}

func workspaceLock(cfg *pipeline.Config) *schedules.FileLock {
	return workspace.Dir(cfg.Path(cfg.Workspace)).Lock()
}

func writeRunResult(w io.Writer, format string, cfg *pipeline.Config, rec *pipeline.Record) error {
	if format == "json" {
		return writeJSON(w, rec)
	}
	return workspace.WriteRunText(w, rec, workspace.Dir(cfg.Path(cfg.Workspace)).RunPath(rec.ID))
}
