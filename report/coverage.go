package report

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/coverage"
)

// CoverageSection renders a [coverage.Report]: one row per slice
// (expression, rows, share, reference share, label rate, verdict) and the
// findings.
type CoverageSection struct {
	Report *coverage.Report
}

// Title implements [Section].
func (s *CoverageSection) Title() string { return "Coverage" }

// coverageView is what the "coverage" template sees.
type coverageView struct {
	Rows, Label, Verdict, Summary string
	Slices                        []sliceRow
	Findings                      []coverage.Finding
}

// sliceRow is one slice, formatted.
type sliceRow struct {
	Name, Kind, Expr, Rows, Share, RefShare, Label, Verdict string
}

// HTML implements [Section].
func (s *CoverageSection) HTML() (template.HTML, error) {
	r := s.Report
	if r == nil {
		return template.HTML(`<p class="none">No coverage report.</p>`), nil
	}
	v := coverageView{Rows: numfmt.Count(r.Rows), Label: labelText(r.Label), Verdict: r.Verdict.String(),
		Summary: coverageSummary(r), Findings: r.Findings}
	for _, sl := range r.Slices {
		v.Slices = append(v.Slices, newSliceRow(sl))
	}
	if v.Label == "-" {
		v.Label = ""
	}
	return execFragment("coverage", v)
}

func newSliceRow(s coverage.Slice) sliceRow {
	ref := "-"
	if s.ReferenceShare != nil {
		ref = share(*s.ReferenceShare)
	}
	return sliceRow{Name: s.Name, Kind: s.Kind, Expr: s.Expr, Rows: numfmt.Count(s.Rows), Share: share(s.Share),
		RefShare: ref, Label: labelText(s.Label), Verdict: s.Verdict.String()}
}

func labelText(l *coverage.LabelRate) string {
	if l == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f", l.Rate)
}

func coverageSummary(r *coverage.Report) string {
	return plural(len(r.Slices), "slice") + ", " + plural(len(r.Findings), "finding")
}

// Markdown implements [Section]: the slices table and the findings.
func (s *CoverageSection) Markdown() string {
	r := s.Report
	if r == nil {
		return "No coverage report."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s rows: **%s** (%s)\n\n", numfmt.Count(r.Rows), r.Verdict, coverageSummary(r))
	b.WriteString("| slice | expression | rows | share | reference share | label rate | verdict |\n|---|---|---:|---:|---:|---:|---|\n")
	for _, sl := range r.Slices {
		row := newSliceRow(sl)
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s | %s | %s%s |\n", mdCell(row.Name), mdCode(row.Expr),
			row.Rows, row.Share, row.RefShare, row.Label, verdictIcon(sl.Verdict), row.Verdict)
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "\n- %s%s: **%s** %s (%s)", verdictIcon(f.Verdict), f.Verdict, mdText(f.Slice), f.Problem, mdText(f.Message))
	}
	return b.String()
}

// mdCode makes s safe inside a Markdown code span within a table cell.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ").Replace(shorten(s, 200))
}
