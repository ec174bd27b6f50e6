package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/expect"
)

// maxMarkdownFindings bounds the findings table of a summary (GitHub caps a
// step summary at 1 MiB).
const maxMarkdownFindings = 100

// WriteMarkdown writes a summary for a CI step: the verdict line, the
// dataset, the counts, the findings table and each section's Markdown.
func WriteMarkdown(w io.Writer, a *Audit) error {
	bw := bufio.NewWriter(w)
	icon := map[Verdict]string{Pass: "✅", Warn: "⚠️", Fail: "❌"}[a.Verdict()]
	fmt.Fprintf(bw, "## %s %s: %s\n\n", icon, mdText(a.title()), a.verdictText())
	d := a.Dataset
	fmt.Fprintf(bw, "**%s** · %s rows · %s", mdText(strings.Join(d.Sources, ", ")), numfmt.Count(d.Rows), plural(d.Files, "file"))
	if d.Fingerprint != "" {
		fmt.Fprintf(bw, " · fingerprint `%s`", short(d.Fingerprint))
	}
	errs, warns := a.counts()
	fmt.Fprintf(bw, "\n\n| checks | errors | warnings |\n|---:|---:|---:|\n| %d | %d | %d |\n", a.Checks, errs, warns)
	if len(a.Findings) > 0 {
		writeFindingsMarkdown(bw, a.Findings)
	} else if a.Checks == 0 {
		fmt.Fprintf(bw, "\n%s.\n", checksText(0))
	}
	for _, s := range a.Sections {
		fmt.Fprintf(bw, "\n### %s\n\n%s\n", mdText(s.Title()), strings.TrimSpace(s.Markdown()))
	}
	return bw.Flush()
}

func writeFindingsMarkdown(w io.Writer, findings []expect.Finding) {
	fmt.Fprint(w, "\n| severity | check | column | expected | observed | examples |\n|---|---|---|---|---|---|\n")
	for i, f := range findings {
		if i == maxMarkdownFindings {
			fmt.Fprintf(w, "\n%d more findings: see the HTML report.\n", len(findings)-i)
			break
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", f.Severity, f.Check, mdCell(subject(f)),
			mdCell(f.Expected), mdCell(f.Observed), mdCell(examplesText(f.Examples)))
	}
}

// mdText escapes Markdown and HTML markup in running text.
func mdText(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
		"<", "&lt;", ">", "&gt;", "&", "&amp;", "\n", " ", "\r", " ", "|", "\\|")
	return r.Replace(s)
}

// mdCell escapes a table cell and keeps it short.
func mdCell(s string) string {
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return mdText(s)
}

// short abbreviates a fingerprint.
func short(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}
