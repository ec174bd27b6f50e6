package main

import (
	"fmt"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/train"
	"github.com/spf13/cobra"
)

type optimizeFlags struct {
	model, label, where, out, quantize, format string
	activations                                string
	data, keepFloat                            []string
	sparsity, maxDrop, percentile              float64
	structured, noFineTune, perLayer           bool
	epochs                                     int
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
	fl.StringVar(&f.model, "model", "", "model file")
	fl.StringArrayVar(&f.data, "data", nil, "validation data: file, directory or glob (repeatable)")
	fl.StringVar(&f.label, "label", "", "label expression or column (default: the label recorded in the model)")
	fl.StringVar(&f.where, "where", "", "keep only rows where this expression is true")
	fl.StringVarP(&f.out, "output", "o", "", "optimized model file to write")
	fl.Float64Var(&f.sparsity, "sparsity", 0, "target fraction of zero weights (or removed neurons with --structured)")
	fl.BoolVar(&f.structured, "structured", false, "remove whole hidden neurons")
	fl.StringVar(&f.quantize, "quantize", "", "\"\" or int8")
	fl.StringVar(&f.activations, "activations", "static", "int8 layer inputs: static (ranges calibrated on --data, faster) or dynamic (each batch's range)")
	fl.Float64Var(&f.percentile, "percentile", 0, "clip static calibration ranges to this two-sided percentile, e.g. 99.99 (0: minimum and maximum)")
	fl.StringSliceVar(&f.keepFloat, "keep-float", nil, "layers kept in float32 when quantizing: first, last")
	fl.BoolVar(&f.perLayer, "per-layer", false, "prune every layer to --sparsity instead of one threshold across layers")
	fl.Float64Var(&f.maxDrop, "max-drop", 0.01, "largest tolerated metric drop")
	fl.IntVar(&f.epochs, "epochs", 8, "fine-tuning epochs")
	fl.BoolVar(&f.noFineTune, "no-fine-tune", false, "prune in one shot, without fine-tuning")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
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
	if f.model == "" || len(f.data) == 0 || f.out == "" {
		return fmt.Errorf("--model, --data and --output are required")
	}
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return err
	}
	opts := optimize.Options{Sparsity: f.sparsity, Structured: f.structured, PerLayer: f.perLayer,
		MaxMetricDrop: f.maxDrop, Train: train.Config{Epochs: f.epochs}}
	if err := f.quantizeOptions(&opts); err != nil {
		return err
	}
	ctx := cmd.Context()
	m, err := model.Load(f.model)
	if err != nil {
		return err
	}
	label := f.label
	if label == "" {
		label = evaluate.LabelOf(m)
	}
	ds, err := ingest.Open(ctx, f.data, c.ingestOptions())
	if err != nil {
		return err
	}
	src, err := exprSource(ds, f.where, label)
	if err != nil {
		return err
	}
	fineTune := !f.noFineTune && f.sparsity > 0
	split, err := optimize.ReadSplit(ctx, src, fineTune)
	if err != nil {
		return err
	}
	defer split.Release()
	val, err := split.Validation(m, labelColumn)
	if err != nil {
		return err
	}
	if fineTune {
		opts.FineTune = &train.Data{Train: train.Records(split.FineTune...), Features: m.Preprocessor().Inputs(), Label: labelColumn}
	}
	res, err := optimize.Run(ctx, m, val, opts)
	if err != nil {
		return err
	}
	if err := res.Model.Save(f.out); err != nil {
		return err
	}
	rows := len(val.Labels)
	out := optimizeOutput{Rows: rows, Result: res, Kernel: model.KernelISA(), Output: f.out, Baseline: f.model,
		MeasureRows: measureRows(split), FineTuneRows: fineTuneRows(split)}
	if out.Before, out.After, err = costsOf(cmd, m, f.model, res.Model, f.out, val.X, rows); err != nil {
		return err
	}
	out.Before[res.Metric], out.After[res.Metric] = res.Baseline, res.Final
	if f.format == "json" {
		return writeJSON(cmd.OutOrStdout(), out)
	}
	return writeOptimizeText(cmd.OutOrStdout(), out)
}

// costsOf measures the model before and after in one interleaved run, so
// their timings compare (two separate runs swung by 4× on a busy machine).
func costsOf(cmd *cobra.Command, before *model.Model, beforePath string, after *model.Model, afterPath string, x []float32, rows int) (map[string]float64, map[string]float64, error) {
	cs, err := evaluate.MeasureCosts(cmd.Context(), []evaluate.CostInput{
		{Model: before, Path: beforePath, X: x}, {Model: after, Path: afterPath, X: x}}, rows, evaluate.CostOptions{})
	if err != nil {
		return nil, nil, err
	}
	return cs[0].Metrics(), cs[1].Metrics(), nil
}
