package main

import (
	"fmt"

	"github.com/refit-ml/refit/export"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/modelref"
	"github.com/spf13/cobra"
)

// exportFlags are refit export's flags.
type exportFlags struct {
	model, format, out string
	opts               export.Options
}

func newExportCmd(c *cli) *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export --model M|champion --format onnx -o model.onnx",
		Short: "Export a model, preprocessing included, to ONNX",
		Long: `export writes a model as an ONNX file that ONNX Runtime (or any runtime with
the ai.onnx opset 17 and ai.onnx.ml opset 3) runs without refit: one input
per raw feature column, shape [N, 1], with refit's preprocessing in the
graph, and the outputs "probabilities" and "label" (classifiers) or
"prediction" (regression). float32 layers become Gemm; int8 layers are in
QDQ form. Numbers are float inputs unless --input-type, the --data schema
or the training profile of a registered version say int64 or double;
categories are strings, timestamps int64 microseconds since the epoch
(naive: the wall clock as if UTC), dates int64 days. Missing values: NaN
(float, double), math.MinInt64 (int64 and times), "" (strings). The
version, lineage, training window, metrics and model card go in the
metadata. See the export/onnx package documentation.`,
		Example: `  refit export --model champion --format onnx -o late.onnx
  refit export --model late.refit --input-type distance=int64 -o late.onnx`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runExport(cmd, c, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.model, "model", "", "model file, registry version (v0003) or alias (champion)")
	workspaceFlag(cmd, &f.opts.Workspace)
	fl.StringVar(&f.format, "format", "onnx", "export format: onnx")
	fl.StringVarP(&f.out, "output", "o", "", "file to write")
	fl.StringArrayVar(&f.opts.Data, "data", nil, "dataset whose schema sets the numeric input types (optional)")
	fl.StringArrayVar(&f.opts.InputTypes, "input-type", nil, "numeric input type, NAME=float|double|int64 (repeatable)")
	return cmd
}

func runExport(cmd *cobra.Command, c *cli, f exportFlags) error {
	if f.model == "" || f.out == "" {
		return fmt.Errorf("--model and --output are required (see '%s --help')", cmd.CommandPath())
	}
	if f.format != "onnx" {
		return fmt.Errorf("--format %q: want onnx", f.format)
	}
	ctx := cmd.Context()
	l, err := modelref.Load(ctx, f.model, f.opts.Workspace)
	if err != nil {
		return err
	}
	f.opts.Ingest = c.ingestOptions()
	file, err := export.ONNX(ctx, l, f.opts)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(f.out, file.Data, 0o644); err != nil {
		return err
	}
	return export.WriteSummary(cmd.OutOrStdout(), f.out, file)
}
