package main

import (
	"fmt"
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
			return evaluate.WriteText(cmd.OutOrStdout(), out.Rows, out.Label, out.Results)
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

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
