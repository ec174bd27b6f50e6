package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/refit-ml/refit/internal/profileio"
	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
	"github.com/spf13/cobra"
)

func newDriftCmd(c *cli) *cobra.Command {
	var (
		ref, cur         profileio.Side
		opts             drift.Options
		format           string
		psiWarn, psiAlrt float64
		modelRef         string
		workspace        string
	)
	cmd := &cobra.Command{
		Use:   "drift --reference REF --current CUR",
		Short: "Measure drift of current data against a reference",
		Long: `drift compares the distribution of every column of the current data with a
reference. Each side is data (files, directories, globs) or a profile saved as
JSON (by 'refit profile'); two saved profiles compare in milliseconds.

Numeric and time columns get PSI over the reference's decile bins, the
Kolmogorov-Smirnov statistic (and its p-value when n*m/(n+m) <= 10,000),
Wasserstein-1 (W1, in the column's unit), Jensen-Shannon distance (base 2)
and mean and std shift in reference std units; categorical columns get PSI,
Jensen-Shannon and chi-square over value frequencies, and unseen and
vanished values. The verdict of a feature comes from its PSI (warn at 0.1,
alert at 0.25) and its null-rate change.

W1 of a time column is shown as a duration: days from one day (31.0d), a Go
duration below (5h32m10s). With --format json, "wasserstein" stays in the
column's raw unit, named by "unit" (s, ms, us, ns, or d for date32), and
"wasserstein_seconds" has it in seconds.

With --model (a model file, or a version or alias in --workspace) and data on
both sides, each drifting input of the model gets its estimated cost: the
model's CBPE estimate of AUC (accuracy for multiclass) on the current rows,
against the same rows with that feature's values drawn from the reference
("drift on origin, estimated auc change -0.0300"). The estimate assumes no
concept drift and needs a model trained with a calibrator.

Exit codes: 0 when no feature alerts, 1 when one does, 2 on errors.`,
		Example: `  refit drift --reference train.parquet --current 'new/**/*.parquet'
  refit drift --reference flights.parquet --reference-where 'month(date) == 1' \
      --current flights.parquet --where 'month(date) == 6'
  refit drift --reference ref-profile.json --current cur-profile.json --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			opts.PSIWarn, opts.PSIAlert = psiWarn, psiAlrt
			ref.Open, cur.Open = c.ingestOptions(), c.ingestOptions()
			run := profileio.DriftRun{Reference: ref, Current: cur}
			var err error
			if run.Drift, run.Cost, err = runDrift(cmd.Context(), ref, cur, opts, modelRef, workspace); err != nil {
				return err
			}
			if format == "json" {
				err = writeJSON(cmd.OutOrStdout(), run)
			} else {
				err = run.WriteText(cmd.OutOrStdout())
			}
			if err != nil || run.Drift.Verdict < validate.VerdictAlert {
				return err
			}
			return fmt.Errorf("drift: %d features alert: %w", run.Alerts(), errFailed)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&ref.Sources, "reference", nil, "reference data or saved profile JSON (repeat or comma-separate for several sources)")
	f.StringSliceVar(&cur.Sources, "current", nil, "current data or saved profile JSON")
	f.StringVar(&ref.Where, "reference-where", "", "keep only reference rows where this expression is true")
	f.StringVar(&cur.Where, "where", "", "keep only current rows where this expression is true")
	f.StringSliceVar(&opts.Columns, "columns", nil, "compare only these columns (default all)")
	f.Float64Var(&psiWarn, "psi-warn", 0.1, "PSI at or above which a feature warns")
	f.Float64Var(&psiAlrt, "psi-alert", 0.25, "PSI at or above which a feature alerts (exit 1)")
	f.IntVar(&opts.Bins, "bins", 10, "reference quantile bins of numeric PSI")
	f.StringVar(&format, "format", "text", "output format: text or json")
	f.StringVar(&modelRef, "model", "", "also estimate what each drifting feature costs this model (CBPE; data on both sides)")
	workspaceFlag(cmd, &workspace)
	_ = cmd.MarkFlagRequired("reference")
	_ = cmd.MarkFlagRequired("current")
	return cmd
}

// runDrift measures the drift of cur against ref and, with a model, what
// it costs the model.
func runDrift(ctx context.Context, ref, cur profileio.Side, opts drift.Options, modelRef, workspace string) (*drift.Report, []estimate.Effect, error) {
	r, err := profileio.Drift(ctx, ref, cur, opts)
	if err != nil || modelRef == "" {
		return r, nil, err
	}
	lm, err := modelref.Load(ctx, modelRef, workspace)
	if err != nil {
		return nil, nil, err
	}
	cost, err := profileio.DriftCost(ctx, lm.Model, r, ref, cur)
	if errors.Is(err, profileio.ErrSavedSide) {
		err = fmt.Errorf("--model: %w", err)
	}
	return r, cost, err
}
