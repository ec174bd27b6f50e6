package main

import (
	"fmt"

	"github.com/refit-ml/refit/holdout"
	"github.com/refit-ml/refit/internal/progress"
	"github.com/refit-ml/refit/modelref"
	"github.com/spf13/cobra"
)

func newEvaluateCmd(c *cli) *cobra.Command {
	var f evaluateFlags
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
		RunE: func(cmd *cobra.Command, _ []string) error { return runEvaluate(cmd, c, &f) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.refs, "model", nil, "model file, registry version or alias (repeatable)")
	f.format = formatFlag(cmd)
	fl.StringVar(&f.html, "report", "", "also write the evaluation as a self-contained HTML report: baselines, confusion matrices, ROC, PR and reliability curves, slices")
	workspaceFlag(cmd, &f.workspace)
	f.data.AddFlags(fl)
	return cmd
}

// evaluateFlags are refit evaluate's flags.
type evaluateFlags struct {
	refs            []string
	workspace, html string
	format          *string
	data            holdout.Options
}

func runEvaluate(cmd *cobra.Command, c *cli, f *evaluateFlags) error {
	if len(f.refs) == 0 {
		return fmt.Errorf("--model is required")
	}
	models, err := modelref.LoadAll(cmd.Context(), f.refs, f.workspace)
	if err != nil {
		return err
	}
	d := progress.New(cmd.ErrOrStderr(), *f.format)
	d.Spin(fmt.Sprintf("evaluating %d models", len(models)))
	f.data.Ingest = c.ingestOptions()
	ev, err := f.data.Evaluate(cmd.Context(), models)
	d.Clear()
	if err != nil {
		return err
	}
	if f.html != "" {
		if err := ev.WriteReport(f.html, f.data.Data); err != nil {
			return err
		}
	}
	return writeOut(cmd.OutOrStdout(), *f.format, ev, ev.WriteText)
}
