package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/spf13/cobra"
)

func newEvaluateCmd(c *cli) *cobra.Command {
	var (
		refs      []string
		format    string
		workspace string
		htmlPath  string
		sf        scoreFlags
	)
	cmd := &cobra.Command{
		Use:   "evaluate --model M [--model M2 ...] --data D",
		Short: "Evaluate models side by side on the same rows: metrics, slices, cost",
		Long: `evaluate scores every model on the same rows in one pass over the data and
prints their metrics side by side, overall and per slice, with their cost:
file size and the tensors' share of it, parameters, nonzeros, latency
p50/p99 at batch 1 (µs) and rows/s at batch 1024 of the layers, and rows/s
at batch 1024 end to end (Arrow columns in, preprocessing included),
measured in this process after warm-up on the evaluated rows.

A model is a model file, or a version (v0003) or alias (champion) of the
registry in --workspace. The label is --label, an expression or column, or
the label recorded in the model. Slices are the --slices expressions plus
automatic ones: each value of a string input column with at most 20
values, the rows below p1 and above p99 of numeric inputs, and rows with a
null input.`,
		Example: `  refit evaluate --model new.safetensors --model champion --data holdout.parquet --label 'delay > 15'
  refit evaluate --model m.safetensors --data 'data/**/*.parquet' --slices 'long_haul=distance > 2000' --format json
  refit evaluate --model champion --data holdout.parquet --report evaluation.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if len(refs) == 0 {
				return fmt.Errorf("--model is required")
			}
			models := make([]*loadedModel, len(refs))
			for i, ref := range refs {
				lm, err := loadModel(cmd.Context(), ref, workspace)
				if err != nil {
					return err
				}
				models[i] = lm
			}
			d := newDisplay(cmd.ErrOrStderr(), format)
			d.spin(fmt.Sprintf("evaluating %d models", len(models)))
			sc, res, err := sf.evaluateAll(cmd.Context(), c.ingestOptions(), models)
			d.clear()
			if err != nil {
				return err
			}
			if htmlPath != "" {
				if err := writeEvaluateReport(htmlPath, sf.data, sc, res); err != nil {
					return err
				}
			}
			out := evaluateOutput{Label: sc.Label, Rows: sc.Rows, Models: models, Results: res}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return writeEvaluateText(cmd.OutOrStdout(), out)
		},
	}
	cmd.Flags().StringArrayVar(&refs, "model", nil, "model file, registry version or alias (repeatable)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&htmlPath, "report", "", "also write the evaluation as a self-contained HTML report: baselines, confusion matrices, ROC, PR and reliability curves, slices")
	workspaceFlag(cmd, &workspace)
	sf.add(cmd)
	return cmd
}

type evaluateOutput struct {
	Label   string            `json:"label"`
	Rows    int               `json:"rows"`
	Models  []*loadedModel    `json:"models"`
	Results []evaluate.Result `json:"results"`
}

func writeEvaluateText(w io.Writer, out evaluateOutput) error {
	fmt.Fprintf(w, "%d rows, label %s\n\n", out.Rows, out.Label)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	header(tw, "metric", out.Results, func(r evaluate.Result) string { return r.Model })
	for _, name := range metricNames(out.Results) {
		header(tw, name, out.Results, func(r evaluate.Result) string { return num(r.Metrics, name) })
	}
	writeBaselines(tw, out.Results)
	fmt.Fprintln(tw, "\t")
	for _, name := range []string{evaluate.CostBytes, evaluate.CostTensorBytes, evaluate.CostParams, evaluate.CostNonzeros,
		evaluate.CostLatencyP50, evaluate.CostLatencyP99, evaluate.CostRowsPerSec, evaluate.CostE2ERowsPerSec} {
		header(tw, name, out.Results, func(r evaluate.Result) string { return num(r.Cost.Metrics(), name) })
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeSliceTable(w, out.Results)
}

// header writes one table row: a label, then one cell per model.
func header(w io.Writer, label string, res []evaluate.Result, cell func(evaluate.Result) string) {
	cells := []string{label}
	for _, r := range res {
		cells = append(cells, cell(r))
	}
	fmt.Fprintln(w, strings.Join(cells, "\t")+"\t")
}

// writeSliceTable writes rows and the headline metric of each model per slice.
func writeSliceTable(w io.Writer, res []evaluate.Result) error {
	if len(res) == 0 || len(res[0].Slices) == 0 {
		return nil
	}
	head := evaluate.Headline(res[0].Task)
	fmt.Fprintf(w, "\nslices (%s)\n", head)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	cells := []string{"slice", "rows"}
	for _, r := range res {
		cells = append(cells, r.Model)
	}
	fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	for i, s := range res[0].Slices {
		cells = []string{s.Name, fmt.Sprint(s.Rows)}
		for _, r := range res {
			cells = append(cells, num(r.Slices[i].Metrics, head))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}

// metricNames is the union of the results' metric names, sorted.
func metricNames(res []evaluate.Result) []string {
	seen := map[string]bool{}
	var names []string
	for _, r := range res {
		for name := range r.Metrics {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// num formats m[name] with four significant digits (large values in
// full), or "-" when absent.
func num(m map[string]float64, name string) string {
	v, ok := m[name]
	switch {
	case !ok:
		return "-"
	case v >= 1e4 || v <= -1e4:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// writeBaselines writes what a binary model that learned nothing scores,
// beside the metrics: the majority class's accuracy, the prevalence and
// the AUC of chance.
func writeBaselines(w io.Writer, res []evaluate.Result) {
	if !slices.ContainsFunc(res, func(r evaluate.Result) bool { return r.Curves != nil }) {
		return
	}
	baseline := func(f func(c *evaluate.Curves) float64) func(evaluate.Result) string {
		return func(r evaluate.Result) string {
			if r.Curves == nil {
				return "-"
			}
			return strconv.FormatFloat(f(r.Curves), 'g', 4, 64)
		}
	}
	fmt.Fprintln(w, "\t")
	header(w, "majority-class accuracy", res, baseline((*evaluate.Curves).BaselineAccuracy))
	header(w, "prevalence", res, baseline((*evaluate.Curves).Prevalence))
	header(w, "chance auc", res, baseline(func(*evaluate.Curves) float64 { return 0.5 }))
}
