package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/optimize"
)

type optimizeOutput struct {
	Rows     int                `json:"rows"`
	Before   map[string]float64 `json:"before"`
	After    map[string]float64 `json:"after"`
	Result   optimize.Result    `json:"result"`
	Kernel   string             `json:"int8_kernel"`
	Output   string             `json:"output"`
	Baseline string             `json:"model"`
	// MeasureRows and FineTuneRows are the row ranges [from, to) of the
	// --data rows (in source order, after --where) that measured the
	// metric and fine-tuned the model; they never overlap.
	MeasureRows  rowRange  `json:"measure_rows"`
	FineTuneRows *rowRange `json:"fine_tune_rows,omitempty"`
}

// writeOptimizeText prints what optimize did and the costs before and after.
func writeOptimizeText(w io.Writer, out optimizeOutput) error {
	fmt.Fprintf(w, "metric measured on rows %s of --data (%d rows)", out.MeasureRows, out.Rows)
	if ft := out.FineTuneRows; ft != nil {
		fmt.Fprintf(w, "; fine-tuning used rows %s, never measured", ft)
	}
	fmt.Fprintf(w, "\nint8 kernel %s\n\n", out.Kernel)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tbefore\tafter\t")
	for _, k := range []string{evaluate.CostParams, evaluate.CostNonzeros, evaluate.CostBytes, evaluate.CostTensorBytes,
		evaluate.CostLatencyP50, evaluate.CostRowsPerSec, out.Result.Metric} {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", k, evaluate.FormatMetric(out.Before, k), evaluate.FormatMetric(out.After, k))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nattempts")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "sparsity\tstructured\tint8\tfloat layers\tmetric\tdrop\tkept\treason")
	for _, a := range out.Result.Attempts {
		fmt.Fprintf(tw, "%.3f\t%v\t%v\t%v\t%.4f\t%.4f\t%v\t%s\n", a.Sparsity, a.Structured, a.Quantized,
			a.FloatLayers, a.Metric, a.Drop, a.Kept, a.Reason)
	}
	return tw.Flush()
}
