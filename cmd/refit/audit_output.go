package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate"
)

// auditJSON is the --format json output of audit.
type auditJSON struct {
	Sources  []string           `json:"sources"`
	Rows     int64              `json:"rows"`
	Verdict  report.Verdict     `json:"verdict"`
	Checks   int                `json:"checks"`
	Errors   int                `json:"errors"`
	Warnings int                `json:"warnings"`
	RowPass  bool               `json:"row_pass"`
	Findings []validate.Finding `json:"findings"`
	// Drift and Coverage are there with --reference and --coverage.
	Drift    *validate.DriftReport    `json:"drift,omitempty"`
	Coverage *validate.CoverageReport `json:"coverage,omitempty"`
}

func writeAudit(w io.Writer, format string, a *report.Audit, res *validate.CheckResult) error {
	errs, warns := res.Count(validate.SeverityError), res.Count(validate.SeverityWarn)
	if format == "json" {
		findings := a.Findings
		if findings == nil {
			findings = []validate.Finding{}
		}
		d, c := auditReports(a)
		return writeJSON(w, auditJSON{Sources: a.Dataset.Sources, Rows: a.Dataset.Rows, Verdict: a.Verdict(),
			Checks: a.Checks, Errors: errs, Warnings: warns, RowPass: res.RowPass, Findings: findings, Drift: d, Coverage: c})
	}
	checks := fmt.Sprintf("%d checks", a.Checks)
	if a.Checks == 0 {
		checks = "no expectation checks were configured"
	}
	fmt.Fprintf(w, "audit of %s: %s rows, %s, %d errors, %d warnings: %s\n",
		joinSources(a.Dataset.Sources), countText(a.Dataset.Rows), checks, errs, warns, verdictWord(a.Verdict()))
	if err := writeFindingsText(w, a.Findings); err != nil {
		return err
	}
	return writeAuditSections(w, a)
}

func writeFindingsText(w io.Writer, findings []validate.Finding) error {
	if len(findings) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "\nseverity\tcheck\tcolumn\texpected\tobserved")
	for _, f := range findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Check, findingSubject(f), f.Expected, f.Observed)
		if len(f.Examples) > 0 {
			fmt.Fprintf(tw, "\t\t\texamples: %s\n", examplesLine(f.Examples))
		}
		if len(f.Files) > 0 {
			fmt.Fprintf(tw, "\t\t\tby file: %s\n", filesLine(f.Files))
		}
	}
	return tw.Flush()
}

func verdictWord(v report.Verdict) string {
	switch v {
	case report.Fail:
		return "FAILED"
	case report.Warn:
		return "passed with warnings"
	}
	return "passed"
}

func findingSubject(f validate.Finding) string {
	switch {
	case f.Rule != "":
		return f.Rule
	case f.Column != "":
		return f.Column
	}
	return "-"
}

func filesLine(fs []validate.FileCount) string {
	parts := make([]string, len(fs))
	for i, fc := range fs {
		parts[i] = fc.File + " " + countText(fc.Failing)
	}
	return strings.Join(parts, ", ")
}

func examplesLine(ex []validate.Example) string {
	parts := make([]string, len(ex))
	for i, e := range ex {
		v := numfmt.Value(e.Value)
		if len(v) > 60 {
			v = v[:60] + "…"
		}
		parts[i] = e.Place() + " " + strconv.Quote(v)
	}
	return strings.Join(parts, ", ")
}
