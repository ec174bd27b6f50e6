package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate"
	"github.com/spf13/cobra"
)

// auditFlags are the audit command's options.
type auditFlags struct {
	expect, reportPath, summary, format, now string
	maxKeys                                  int
	extra                                    auditExtraFlags
}

func newAuditCmd() *cobra.Command {
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
		RunE: func(cmd *cobra.Command, args []string) error { return runAuditCmd(cmd, args, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.expect, "expect", "", "expectations file (YAML; required)")
	fl.StringVar(&f.reportPath, "report", "", "write an HTML report to this file")
	fl.StringVar(&f.summary, "summary", "", "write a Markdown summary to this file")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.StringVar(&f.now, "now", "", "the run's clock for freshness checks, RFC 3339 or a date (default: now)")
	fl.StringSliceVar(&f.extra.reference.sources, "reference", nil, "measure drift against this reference: data or a saved profile JSON")
	fl.StringVar(&f.extra.reference.where, "reference-where", "", "keep only reference rows where this expression is true")
	fl.StringVar(&f.extra.coverage, "coverage", "", "count the slices of this coverage config (YAML)")
	fl.BoolVar(&f.extra.failOnDrift, "fail-on-drift", false, "a drift alert is an error (exit 1), not a warning")
	fl.IntVar(&f.maxKeys, "max-keys", 0, "most distinct values kept by a uniqueness or duplicate-row check (default 33,554,432)")
	return cmd
}

func runAuditCmd(cmd *cobra.Command, args []string, f auditFlags) error {
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
	exp, err := validate.LoadExpectations(f.expect)
	if err != nil {
		return err
	}
	extra, err := auditSteps(f.extra, args)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	ds, err := ingest.Open(ctx, args, ingest.Options{Limits: inputLimits})
	if err != nil {
		return err
	}
	in := auditInput{sources: args, ds: ds, exp: exp, stderr: cmd.ErrOrStderr(),
		opts: validate.CheckOptions{Now: now, MaxKeys: f.maxKeys}}
	a, res, err := runAudit(ctx, in, extra...)
	if err != nil {
		return err
	}
	if err := writeAuditFiles(ctx, ds, a, f); err != nil {
		return err
	}
	if err := writeAudit(cmd.OutOrStdout(), f.format, a, res); err != nil {
		return err
	}
	if res.Failed() {
		return fmt.Errorf("%w: %d error findings", errFailed, res.Count(validate.SeverityError))
	}
	return nil
}

// parseNow reads --now; empty means the current time.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	b, err := validate.ParseBound(s)
	if err != nil || !b.IsTime {
		return time.Time{}, fmt.Errorf("--now %q: want RFC 3339 (2024-03-01T02:00:00Z) or a date (2024-03-01)", s)
	}
	return b.Time, nil
}

// auditInput is what one audit checks.
type auditInput struct {
	sources []string
	ds      *ingest.Dataset
	exp     *validate.Expectations
	opts    validate.CheckOptions
	stderr  io.Writer // progress, when a terminal
}

// auditStep is an optional part of an audit (drift against a reference,
// coverage of slices): it sees the data and its profile and returns a
// report section and findings to add.
type auditStep func(ctx context.Context, ds *ingest.Dataset, prof *validate.Profile) (report.Section, []validate.Finding, error)

// runAudit profiles the data, checks the expectations and runs the extra
// steps, in order, returning the report model and the check result (whose
// findings include the steps').
func runAudit(ctx context.Context, in auditInput, extra ...auditStep) (*report.Audit, *validate.CheckResult, error) {
	prof, err := profileData(ctx, in.ds, "", in.stderr)
	if err != nil {
		return nil, nil, err
	}
	progress, done := scanProgress(in.stderr, "checking")
	in.opts.Progress = progress
	res, err := validate.Check(ctx, in.ds, prof, in.exp, in.opts)
	done()
	if err != nil {
		return nil, nil, err
	}
	result := prof.Result(validate.ResultOptions{})
	a := &report.Audit{GeneratedAt: in.opts.Now, Profile: &result, Checks: res.Checks, Passed: res.Passed,
		Dataset: report.Dataset{Sources: in.sources, Files: len(in.ds.Files()), Rows: prof.Rows}}
	for _, fi := range in.ds.Files() {
		a.Dataset.Bytes += fi.Bytes
	}
	for _, step := range extra {
		sec, findings, err := step(ctx, in.ds, prof)
		if err != nil {
			return nil, nil, err
		}
		if sec != nil {
			a.Sections = append(a.Sections, sec)
		}
		res.Findings = append(res.Findings, findings...)
	}
	a.Findings = res.Findings
	return a, res, nil
}

// writeAuditFiles writes the HTML report and the Markdown summary, when
// asked for, with the dataset's fingerprint.
func writeAuditFiles(ctx context.Context, ds *ingest.Dataset, a *report.Audit, f auditFlags) error {
	if f.reportPath == "" && f.summary == "" {
		return nil
	}
	fp, err := ds.Fingerprint(ctx)
	if err != nil {
		return err
	}
	a.Dataset.Fingerprint = fp
	if f.reportPath != "" {
		if err := report.WriteFile(f.reportPath, func(w io.Writer) error { return report.WriteHTML(w, a) }); err != nil {
			return err
		}
	}
	if f.summary != "" {
		return report.WriteFile(f.summary, func(w io.Writer) error { return report.WriteMarkdown(w, a) })
	}
	return nil
}

// joinSources names the audited data in one line.
func joinSources(s []string) string { return strings.Join(s, ", ") }
