package main

import (
	"fmt"
	"io"

	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/report"
	"github.com/spf13/cobra"
)

// optimizeFlags are refit optimize's flags.
type optimizeFlags struct {
	req                   pipeline.OptimizeRequest
	quantize, activations string
	format                *string
	keepFloat             []string
	percentile            float64
	noFineTune            bool
}

func newOptimizeCmd(c *cli) *cobra.Command {
	var f optimizeFlags
	cmd := &cobra.Command{
		Use:   "optimize --model M --data VALIDATION -o M2",
		Short: "Prune and int8-quantize a model within a tolerated metric drop",
		Long: `optimize prunes (unstructured magnitude pruning reached gradually while
fine-tuning, or --structured: whole hidden neurons) and int8-quantizes a
model, compares each candidate with the float model on the --data rows
(ROC AUC, accuracy or RMSE) and backs off (lower sparsity, layers back to
float) until the drop is at most --max-drop. With fine-tuning, the first
90% of the --data rows (in source order, after --where) fine-tune and the
last 10% measure the metric, so no row is both and the measuring rows are
not neighbours of tuning rows; the output names both ranges. Without
fine-tuning every row measures. Give --data rows the model was not
trained on, and read the drop as the cost of compression on those rows:
fine-tuning also adapts the model to them.
--activations static (the default) fixes each int8 layer's input range
from the measuring rows (like an ONNX QDQ model; faster than dynamic
ranges, which --activations dynamic takes per batch), and --keep-float
first,last keeps those layers in float32. It prints parameters, nonzeros, bytes, latency and throughput
before and after, and every attempt.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runOptimize(cmd, c, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.req.Model, "model", "", "model file")
	fl.StringArrayVar(&f.req.Data, "data", nil, "validation data: file, directory or glob (repeatable)")
	fl.StringVar(&f.req.Label, "label", "", "label expression or column (default: the label recorded in the model)")
	fl.StringVar(&f.req.Where, "where", "", "keep only rows where this expression is true")
	fl.StringVarP(&f.req.Output, "output", "o", "", "optimized model file to write")
	fl.Float64Var(&f.req.Options.Sparsity, "sparsity", 0, "target fraction of zero weights (or removed neurons with --structured)")
	fl.BoolVar(&f.req.Options.Structured, "structured", false, "remove whole hidden neurons")
	fl.StringVar(&f.quantize, "quantize", "", "\"\" or int8")
	fl.StringVar(&f.activations, "activations", "static", "int8 layer inputs: static (ranges calibrated on --data, faster) or dynamic (each batch's range)")
	fl.Float64Var(&f.percentile, "percentile", 0, "clip static calibration ranges to this two-sided percentile, e.g. 99.99 (0: minimum and maximum)")
	fl.StringSliceVar(&f.keepFloat, "keep-float", nil, "layers kept in float32 when quantizing: first, last")
	fl.BoolVar(&f.req.Options.PerLayer, "per-layer", false, "prune every layer to --sparsity instead of one threshold across layers")
	fl.Float64Var(&f.req.Options.MaxMetricDrop, "max-drop", 0.01, "largest tolerated metric drop")
	fl.IntVar(&f.req.Options.Train.Epochs, "epochs", 8, "fine-tuning epochs")
	fl.BoolVar(&f.noFineTune, "no-fine-tune", false, "prune in one shot, without fine-tuning")
	f.format = formatFlag(cmd)
	return cmd
}

// quantizeOptions checks the quantization flags and sets them in o.
func (f optimizeFlags) quantizeOptions(o *optimize.Options) error {
	if f.quantize != "" && f.quantize != "int8" {
		return fmt.Errorf("--quantize %q: want int8", f.quantize)
	}
	o.Quantize = f.quantize == "int8"
	c := optimize.QuantizeChoices{Activations: f.activations, Percentile: f.percentile, KeepFloat: f.keepFloat}
	if errs := c.Apply(o); errs != nil {
		flag := map[string]string{"activations": "--activations", "percentile": "--percentile", "keep_float": "--keep-float"}
		return fmt.Errorf("%s %s", flag[errs[0].Setting], errs[0].Problem)
	}
	return nil
}

func runOptimize(cmd *cobra.Command, c *cli, f optimizeFlags) error {
	if f.req.Model == "" || len(f.req.Data) == 0 || f.req.Output == "" {
		return fmt.Errorf("--model, --data and --output are required")
	}
	if err := f.quantizeOptions(&f.req.Options); err != nil {
		return err
	}
	f.req.FineTune = !f.noFineTune && f.req.Options.Sparsity > 0
	f.req.Ingest = c.ingestOptions()
	out, err := pipeline.OptimizeFile(cmd.Context(), f.req)
	if err != nil {
		return err
	}
	return writeOut(cmd.OutOrStdout(), *f.format, out, func(w io.Writer) error { return report.WriteOptimizationText(w, out) })
}
