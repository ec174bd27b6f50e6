package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/workspace"
	"github.com/spf13/cobra"
)

type runFlags struct {
	config, now string
	format      *string
	force       bool
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
	f.format = formatFlag(cmd)
	cmd.Flags().Lookup("format").Usage = "output format: text or json (the run record)"
	return cmd
}

func runOnce(cmd *cobra.Command, c *cli, f runFlags) error {
	now, err := parseTimeFlag("--now", f.now, "2024-03-01T02:00:00Z", "2024-03-01", time.Now())
	if err != nil {
		return err
	}
	cfg, err := pipeline.Load(f.config)
	if err != nil {
		return err
	}
	rec, err := pipeline.RunLocked(cmd.Context(), cfg, pipeline.Options{Now: now, Force: f.force, Trigger: "manual", Limits: c.limits, Logger: c.log,
		Progress: progress.New(cmd.ErrOrStderr(), *f.format).Run()})
	if rec != nil {
		werr := writeOut(cmd.OutOrStdout(), *f.format, rec, func(w io.Writer) error {
			return workspace.WriteRunText(w, rec, workspace.Dir(cfg.Path(cfg.Workspace)).RunPath(rec.ID))
		})
		if werr != nil && err == nil {
			err = werr
		}
	}
	if errors.Is(err, pipeline.ErrBlocked) {
		return fmt.Errorf("%w: %w", errFailed, err)
	}
	return err
}

// parseTimeFlag reads a time flag: RFC 3339 or a date (UTC midnight); ""
// is def. The error shows the two forms by example.
func parseTimeFlag(name, s, rfc3339, date string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if t, ok := pipeline.ParseTime(s); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s %q: want RFC 3339 (%s) or a date (%s)", name, s, rfc3339, date)
}
