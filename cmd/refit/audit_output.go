package main

import (
	"fmt"
	"io"

	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
)

// auditJSON is the --format json output of audit.
type auditJSON struct {
	Sources  []string         `json:"sources"`
	Rows     int64            `json:"rows"`
	Verdict  report.Verdict   `json:"verdict"`
	Checks   int              `json:"checks"`
	Errors   int              `json:"errors"`
	Warnings int              `json:"warnings"`
	RowPass  bool             `json:"row_pass"`
	Findings []expect.Finding `json:"findings"`
	// Drift and Coverage are there with --reference and --coverage.
	Drift    *drift.Report    `json:"drift,omitempty"`
	Coverage *coverage.Report `json:"coverage,omitempty"`
}

func writeAudit(w io.Writer, format string, a *report.Audit, res *expect.CheckResult) error {
	errs, warns := res.Count(expect.SeverityError), res.Count(expect.SeverityWarn)
	if format == "json" {
		findings := a.Findings
		if findings == nil {
			findings = []expect.Finding{}
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
	if err := textout.Findings(w, a.Findings); err != nil {
		return err
	}
	return writeAuditSections(w, a)
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
