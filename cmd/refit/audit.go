package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/refit-ml/refit/audit"
	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/internal/rowsel"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/spf13/cobra"
)

// auditFlags are the audit command's options.
type auditFlags struct {
	expect, reportPath, summary, format, now string
	where                                    string
	maxKeys                                  int
	extra                                    audit.Comparisons
}

func newAuditCmd(c *cli) *cobra.Command {
	var f auditFlags
	cmd := &cobra.Command{
		Use:   "audit DATA... --expect FILE",
		Short: "Check data against expectations; write an HTML report and a CI summary",
		Long: `audit profiles the data, checks it against an expectations file (write one
with 'refit infer') and prints the findings: each failed check with its
expected and observed values, failing count and fraction and example rows.
Checks the profile answers cost nothing more; regexes, rules, uniqueness,
duplicate rows and example rows share one extra pass, made only when needed.

--report writes one self-contained HTML file (summary, a card per column with
its histogram, the findings); --summary writes Markdown for a CI step summary
(for example "$GITHUB_STEP_SUMMARY").

--reference compares the data with a reference (data, filtered with
--reference-where, or a profile saved by 'refit profile'), as 'refit drift'
does: the report gains the ranked drift table and overlaid histograms. A
feature whose drift alerts is a warning finding, or an error with
--fail-on-drift. --coverage counts the slices of a coverage config (reference
shares come from --reference); its findings are warnings.

Exit codes: 0 when no error-severity finding, 1 when there is one, 2 on bad
input or usage.`,
		Example: `  refit audit data/flights.parquet --expect expectations.yaml
  refit audit 'new/**/*.parquet' --expect expectations.yaml --report report.html \
      --summary "$GITHUB_STEP_SUMMARY" --now 2024-03-01T02:00:00Z
  refit audit new.parquet --expect expectations.yaml --reference train-profile.json \
      --coverage coverage.yaml --fail-on-drift`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runAuditCmd(cmd, c, args, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.expect, "expect", "", "expectations file (YAML; required)")
	fl.StringVar(&f.reportPath, "report", "", "write an HTML report to this file")
	fl.StringVar(&f.summary, "summary", "", "write a Markdown summary to this file")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.StringVar(&f.where, "where", "", "audit only the rows where this expression is true, e.g. 'month(date) == 3'")
	fl.StringVar(&f.now, "now", "", "the run's clock for freshness checks, RFC 3339 or a date (default: now)")
	fl.StringSliceVar(&f.extra.Reference.Sources, "reference", nil, "measure drift against this reference: data or a saved profile JSON")
	fl.StringVar(&f.extra.Reference.Where, "reference-where", "", "keep only reference rows where this expression is true")
	fl.StringVar(&f.extra.Coverage, "coverage", "", "count the slices of this coverage config (YAML)")
	fl.BoolVar(&f.extra.FailOnDrift, "fail-on-drift", false, "a drift alert is an error (exit 1), not a warning")
	fl.IntVar(&f.maxKeys, "max-keys", 0, "most distinct values kept by a uniqueness or duplicate-row check (default 33,554,432)")
	return cmd
}

func runAuditCmd(cmd *cobra.Command, c *cli, args []string, f auditFlags) error {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return err
	}
	if f.expect == "" {
		return fmt.Errorf("--expect is required: write one with 'refit infer DATA -o expectations.yaml' (see '%s --help')", cmd.CommandPath())
	}
	now, err := parseNow(f.now)
	if err != nil {
		return err
	}
	exp, err := expect.Load(f.expect)
	if err != nil {
		return err
	}
	f.extra.Reference.Open = c.ingestOptions()
	steps, err := f.extra.Steps(strings.Join(args, ", "))
	if err != nil {
		return err
	}
	ctx, stderr := cmd.Context(), cmd.ErrOrStderr()
	ds, err := rowsel.Open(ctx, args, c.ingestOptions(), f.where)
	if err != nil {
		return err
	}
	prof, err := profileData(ctx, ds, "", stderr)
	if err != nil {
		return err
	}
	progress, done := progress.Rows(stderr, "checking")
	a, res, err := audit.Run(ctx, audit.Input{Sources: args, Dataset: ds, Profile: prof, Expectations: exp,
		Check: expect.CheckOptions{Now: now, MaxKeys: f.maxKeys, Progress: progress}, Checked: done}, steps...)
	if err != nil {
		return err
	}
	if err := audit.WriteFiles(ctx, ds, a, f.reportPath, f.summary); err != nil {
		return err
	}
	if f.format == "json" {
		err = writeJSON(cmd.OutOrStdout(), audit.NewJSON(a, res))
	} else {
		err = audit.WriteText(cmd.OutOrStdout(), a, res)
	}
	if err == nil && res.Failed() {
		err = fmt.Errorf("%w: %d error findings", errFailed, res.Count(expect.SeverityError))
	}
	return err
}

// parseNow reads --now; empty means the current time.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	b, err := expect.ParseBound(s)
	if err != nil || !b.IsTime {
		return time.Time{}, fmt.Errorf("--now %q: want RFC 3339 (2024-03-01T02:00:00Z) or a date (2024-03-01)", s)
	}
	return b.Time, nil
}
