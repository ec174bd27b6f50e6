package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/optimize"
)

// Optimization is what `refit optimize` did to a model file: the search's
// result, the costs and metric before and after, and which rows of the
// data measured and fine-tuned. It is also the command's JSON.
type Optimization struct {
	Rows     int                `json:"rows"`
	Before   map[string]float64 `json:"before"`
	After    map[string]float64 `json:"after"`
	Result   optimize.Result    `json:"result"`
	Kernel   string             `json:"int8_kernel"`
	Output   string             `json:"output"`
	Baseline string             `json:"model"`
	// MeasureRows and FineTuneRows are the row ranges of the data (in
	// source order, after the row selection) that measured the metric and
	// fine-tuned the model; they never overlap. FineTuneRows is nil
	// without fine-tuning.
	MeasureRows  RowRange  `json:"measure_rows"`
	FineTuneRows *RowRange `json:"fine_tune_rows,omitempty"`
}

// RowRange is the rows [From, To) of a source, in source order.
type RowRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

func (r RowRange) String() string { return fmt.Sprintf("[%d, %d)", r.From, r.To) }

// WriteOptimizationText writes what an optimization did: the rows used,
// the costs before and after, and every attempt of the search.
func WriteOptimizationText(w io.Writer, o *Optimization) error {
	fmt.Fprintf(w, "metric measured on rows %s of --data (%d rows)", o.MeasureRows, o.Rows)
	if ft := o.FineTuneRows; ft != nil {
		fmt.Fprintf(w, "; fine-tuning used rows %s, never measured", ft)
	}
	fmt.Fprintf(w, "\nint8 kernel %s\n\n", o.Kernel)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tbefore\tafter\t")
	for _, k := range []string{evaluate.CostParams, evaluate.CostNonzeros, evaluate.CostBytes, evaluate.CostTensorBytes,
		evaluate.CostLatencyP50, evaluate.CostRowsPerSec, o.Result.Metric} {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", k, evaluate.FormatMetric(o.Before, k), evaluate.FormatMetric(o.After, k))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nattempts")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "sparsity\tstructured\tint8\tfloat layers\tmetric\tdrop\tkept\treason")
	for _, a := range o.Result.Attempts {
		fmt.Fprintf(tw, "%.3f\t%v\t%v\t%v\t%.4f\t%.4f\t%v\t%s\n", a.Sparsity, a.Structured, a.Quantized,
			a.FloatLayers, a.Metric, a.Drop, a.Kept, a.Reason)
	}
	return tw.Flush()
}
