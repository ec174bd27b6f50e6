package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/workspace"
)

// WriteRunMarkdown writes a run's summary in GitHub-flavoured Markdown:
// outcome, champion, stages, reasons, findings, drift, coverage,
// optimization, evaluation and gates.
func WriteRunMarkdown(w io.Writer, rec *workspace.Record) error {
	r := newRunView(rec)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "## %s refit run %s: %s\n\n", outcomeIcon(r.Outcome), mdText(r.ID), mdText(string(r.Outcome)))
	fmt.Fprintf(bw, "clock %s · champion %s → %s", r.Clock.UTC().Format("2006-01-02 15:04:05 UTC"),
		mdText(orNone(r.ChampionBefore)), mdText(orNone(r.ChampionAfter)))
	if r.Candidate != "" {
		fmt.Fprintf(bw, " · candidate %s", mdText(r.Candidate))
	}
	fmt.Fprintf(bw, " · %s new rows\n", numfmt.Count(r.NewRows))
	if r.Error != "" {
		fmt.Fprintf(bw, "\n**error:** %s\n", mdText(r.Error))
	}
	writeStagesMarkdown(bw, r)
	if len(r.Reasons) > 0 {
		bw.WriteString("\n### Decision\n\n")
		for _, reason := range r.Reasons {
			fmt.Fprintf(bw, "- %s\n", mdText(reason))
		}
	}
	if len(r.Findings) > 0 {
		bw.WriteString("\n### Findings\n")
		writeFindingsMarkdown(bw, r.Findings)
	}
	if rec.Drift != nil {
		fmt.Fprintf(bw, "\n### Drift\n\n%s", (&DriftSection{Report: rec.Drift, Reference: driftReference(rec), Current: "new data"}).Markdown())
	}
	if rec.Coverage != nil {
		fmt.Fprintf(bw, "\n### Coverage\n\n%s\n", (&CoverageSection{Report: rec.Coverage}).Markdown())
	}
	writeModelsMarkdown(bw, r)
	return bw.Flush()
}

func writeStagesMarkdown(w *bufio.Writer, r *runView) {
	if len(r.Stages) == 0 {
		return
	}
	w.WriteString("\n| stage | status | duration | notes |\n|---|---|---:|---|\n")
	for _, s := range r.Stages {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", mdCell(s.Name), mdCell(string(s.Status)), durationText(s.Duration), mdCell(strings.Join(s.Notes, "; ")))
	}
}

// writeModelsMarkdown writes the optimization, evaluation and gate tables.
func writeModelsMarkdown(w *bufio.Writer, r *runView) {
	if rows := r.OptRows; len(rows) > 0 {
		w.WriteString("\n### Optimization\n\n| | float parent | optimized | change |\n|---|---:|---:|---:|\n")
		for _, c := range rows {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", c.Quantity, c.Before, c.After, c.Change)
		}
	}
	if header, rows := evaluationTable(r.Models); len(rows) > 0 {
		w.WriteString("\n### Evaluation\n\n| metric |")
		for _, h := range header {
			fmt.Fprintf(w, " %s |", mdCell(h))
		}
		w.WriteString("\n|---|" + strings.Repeat("---:|", len(header)) + "\n")
		for _, row := range rows {
			fmt.Fprintf(w, "| %s | %s |\n", row.Metric, strings.Join(row.Values, " | "))
		}
		for _, b := range baselineRows(r.Models) {
			fmt.Fprintf(w, "\n%s: accuracy %s against %s for the majority class (prevalence %s); AUC %s against 0.5 for chance.\n",
				mdText(b.Model), b.Accuracy, b.Majority, b.Prevalence, b.AUC)
		}
	}
	if len(r.GateRows) > 0 {
		fmt.Fprintf(w, "\n### Gates: %s\n\n| gate | observed | threshold | result | reason |\n|---|---:|---:|---|---|\n", passFail(r.Verdict.Pass))
		for _, g := range r.GateRows {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", mdCell(g.Gate), g.Observed, g.Threshold, passFail(g.Pass), mdCell(g.Reason))
		}
	}
}

func passFail(ok bool) string {
	if ok {
		return "✅ pass"
	}
	return "❌ fail"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func outcomeIcon(outcome workspace.Outcome) string {
	switch outcome {
	case workspace.OutcomePromoted:
		return "✅"
	case workspace.OutcomeRejected, workspace.OutcomeNotPromoted:
		return "⚠️"
	case workspace.OutcomeBlockedData, workspace.OutcomeFailed:
		return "❌"
	}
	return "ℹ️"
}
