package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
)

// auditReports returns the drift and coverage reports of an audit's
// sections, nil when the audit had none.
func auditReports(a *report.Audit) (*drift.Report, *coverage.Report) {
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

// writeAuditSections prints the ranked drift table and the coverage table
// after the findings.
func writeAuditSections(w io.Writer, a *report.Audit) error {
	d, c := auditReports(a)
	var buf bytes.Buffer
	for _, s := range a.Sections {
		if ds, ok := s.(*report.DriftSection); ok && d != nil {
			fmt.Fprintf(&buf, "\ndrift against %s (%s rows): %s (%s)\n", ds.Reference, countText(d.ReferenceRows), d.Verdict, textout.DriftCounts(d))
			textout.DriftTable(&buf, d)
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
