package main

import (
	"io"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/report"
)

// writeEvaluateReport writes refit evaluate's results as an HTML report
// to path, crash-safely.
func writeEvaluateReport(path string, data []string, sc *evaluate.Scores, res []evaluate.Result) error {
	e := &report.Evaluation{Sources: data, Label: sc.Label, Rows: sc.Rows, Models: res}
	return report.WriteFile(path, func(w io.Writer) error { return report.WriteEvaluationHTML(w, e) })
}
