package audit

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
)

// JSON is the JSON form of an audit (`refit audit --format json`).
type JSON struct {
	Sources  []string         `json:"sources"`
	Rows     int64            `json:"rows"`
	Verdict  report.Verdict   `json:"verdict"`
	Checks   int              `json:"checks"`
	Errors   int              `json:"errors"`
	Warnings int              `json:"warnings"`
	RowPass  bool             `json:"row_pass"`
	Findings []expect.Finding `json:"findings"`
	// Drift and Coverage are there when the audit had those steps.
	Drift    *drift.Report    `json:"drift,omitempty"`
	Coverage *coverage.Report `json:"coverage,omitempty"`
}

// NewJSON returns the JSON form of the audit a and its check result res
// (both from Run). Findings are an empty list, not null, when there are
// none.
func NewJSON(a *report.Audit, res *expect.CheckResult) JSON {
	findings := a.Findings
	if findings == nil {
		findings = []expect.Finding{}
	}
	d, c := Reports(a)
	return JSON{Sources: a.Dataset.Sources, Rows: a.Dataset.Rows, Verdict: a.Verdict(), Checks: a.Checks,
		Errors: res.Count(expect.SeverityError), Warnings: res.Count(expect.SeverityWarn),
		RowPass: res.RowPass, Findings: findings, Drift: d, Coverage: c}
}

// Reports returns the drift and coverage reports of an audit's sections,
// nil for those it did not have.
func Reports(a *report.Audit) (*drift.Report, *coverage.Report) {
	var d *drift.Report
	var c *coverage.Report
	for _, s := range a.Sections {
		switch s := s.(type) {
		case *report.DriftSection:
			d = s.Report
		case *report.CoverageSection:
			c = s.Report
		}
	}
	return d, c
}

// WriteText writes the audit as `refit audit` prints it: a summary line,
// the findings, then the ranked drift table and the coverage table when
// the audit had those steps.
func WriteText(w io.Writer, a *report.Audit, res *expect.CheckResult) error {
	checks := fmt.Sprintf("%d checks", a.Checks)
	if a.Checks == 0 {
		checks = "no expectation checks were configured"
	}
	fmt.Fprintf(w, "audit of %s: %s rows, %s, %d errors, %d warnings: %s\n", strings.Join(a.Dataset.Sources, ", "),
		textout.Count(a.Dataset.Rows), checks, res.Count(expect.SeverityError), res.Count(expect.SeverityWarn), verdictWord(a.Verdict()))
	if err := textout.Findings(w, a.Findings); err != nil {
		return err
	}
	return writeSections(w, a)
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

// writeSections writes the ranked drift table and the coverage table.
func writeSections(w io.Writer, a *report.Audit) error {
	d, c := Reports(a)
	var buf strings.Builder
	for _, s := range a.Sections {
		if ds, ok := s.(*report.DriftSection); ok && d != nil {
			fmt.Fprintf(&buf, "\ndrift against %s (%s rows): %s (%s)\n", ds.Reference, textout.Count(d.ReferenceRows), d.Verdict, textout.DriftCounts(d))
			if err := textout.DriftTable(&buf, d); err != nil {
				return err
			}
		}
	}
	if c != nil {
		buf.WriteString("\n")
		if err := textout.Coverage(&buf, c); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, textout.TrimLines(buf.String()))
	return err
}

// WriteFiles writes the audit's HTML report to htmlPath and its Markdown
// summary to mdPath (each skipped when empty), crash-safely, after
// recording ds's fingerprint in a.
func WriteFiles(ctx context.Context, ds *ingest.Dataset, a *report.Audit, htmlPath, mdPath string) error {
	if htmlPath == "" && mdPath == "" {
		return nil
	}
	fp, err := ds.Fingerprint(ctx)
	if err != nil {
		return err
	}
	a.Dataset.Fingerprint = fp
	if htmlPath != "" {
		if err := report.WriteFile(htmlPath, func(w io.Writer) error { return report.WriteHTML(w, a) }); err != nil {
			return err
		}
	}
	if mdPath == "" {
		return nil
	}
	return report.WriteFile(mdPath, func(w io.Writer) error { return report.WriteMarkdown(w, a) })
}
