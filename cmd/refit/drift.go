package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/estimate"
	"github.com/spf13/cobra"
)

func newDriftCmd(c *cli) *cobra.Command {
	var (
		ref, cur         sideSpec
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
			if err := opts.Validate(); err != nil {
				return err
			}
			ref.open, cur.open = c.ingestOptions(), c.ingestOptions()
			rp, err := ref.load(cmd.Context(), opts.Columns)
			if err != nil {
				return err
			}
			cp, err := cur.load(cmd.Context(), opts.Columns)
			if err != nil {
				return err
			}
			r, err := drift.Compare(cmd.Context(), rp, cp, opts)
			if err != nil {
				return err
			}
			var cost []estimate.Effect
			if modelRef != "" {
				lm, err := loadModel(cmd.Context(), modelRef, workspace)
				if err != nil {
					return err
				}
				if cost, err = driftCost(cmd.Context(), c.ingestOptions(), lm.m, r, ref, cur); err != nil {
					return err
				}
			}
			if err := writeDrift(cmd.OutOrStdout(), format, r, ref, cur, cost); err != nil {
				return err
			}
			return driftExit(r)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&ref.sources, "reference", nil, "reference data or saved profile JSON (repeat or comma-separate for several sources)")
	f.StringSliceVar(&cur.sources, "current", nil, "current data or saved profile JSON")
	f.StringVar(&ref.where, "reference-where", "", "keep only reference rows where this expression is true")
	f.StringVar(&cur.where, "where", "", "keep only current rows where this expression is true")
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

// driftExit wraps errFailed when a feature alerts.
func driftExit(r *drift.Report) error {
	if r.Verdict < validate.VerdictAlert {
		return nil
	}
	n := 0
	for _, f := range r.Features {
		if f.Verdict == validate.VerdictAlert {
			n++
		}
	}
	return fmt.Errorf("drift: %d features alert: %w", n, errFailed)
}

// driftOutput is the JSON form of a drift run.
type driftOutput struct {
	Reference sideSpec      `json:"reference"`
	Current   sideSpec      `json:"current"`
	Drift     *drift.Report `json:"drift"`
	// Cost is each drifting feature's estimated cost (with --model).
	Cost []estimate.Effect `json:"cost,omitempty"`
}

func writeDrift(w io.Writer, format string, r *drift.Report, ref, cur sideSpec, cost []estimate.Effect) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(driftOutput{ref, cur, r, cost})
	}
	defer estimate.WriteEffects(w, cost)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "reference: %s (%s rows)\n", ref, countText(r.ReferenceRows))
	fmt.Fprintf(bw, "current:   %s (%s rows)\n\n", cur, countText(r.CurrentRows))
	var table bytes.Buffer
	textout.DriftTable(&table, r)
	for line := range strings.Lines(table.String()) {
		fmt.Fprintln(bw, strings.TrimRight(line, " \n"))
	}
	fmt.Fprintf(bw, "\ndrift: %s (%s)\n", r.Verdict, textout.DriftCounts(r))
	return bw.Flush()
}

// isSavedProfile reports whether path is a single file starting with '{'.
func isSavedProfile(sources []string) bool {
	if len(sources) != 1 {
		return false
	}
	f, err := os.Open(sources[0])
	if err != nil {
		return false
	}
	defer f.Close()
	var b [1]byte
	n, _ := f.Read(b[:])
	return n == 1 && bytes.Equal(b[:], []byte("{"))
}
