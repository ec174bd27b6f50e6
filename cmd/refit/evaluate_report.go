package main

import (
	"io"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/report"
)

// writeEvaluateReport writes refit evaluate's results as an HTML report
// to path, crash-safely.
func writeEvaluateReport(path string, data []string, sc *evaluate.Scores, res []evaluate.Result) error {
	e := &report.Evaluation{Sources: data, Label: sc.Label, Rows: sc.Rows}
	for _, r := range res {
		m := report.ModelResult{Name: r.Model, Rows: r.Rows, Metrics: r.Metrics, Curves: r.Curves,
			Cost: report.Cost{Bytes: r.Cost.Bytes, Params: r.Cost.Params, Nonzeros: r.Cost.Nonzeros,
				LatencyP50Us: r.Cost.LatencyP50Us, LatencyP99Us: r.Cost.LatencyP99Us, RowsPerSec: r.Cost.RowsPerSec}}
		for _, s := range r.Slices {
			m.Slices = append(m.Slices, report.SliceResult{Name: s.Name, Rows: s.Rows, Metrics: s.Metrics, Positives: s.Positives, Interval: s.Interval})
		}
		e.Models = append(e.Models, m)
	}
	return report.WriteFile(path, func(w io.Writer) error { return report.WriteEvaluationHTML(w, e) })
}
