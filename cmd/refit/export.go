package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/refit-ml/refit/export/onnx"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/model"
	"github.com/spf13/cobra"
)

type exportFlags struct {
	model, workspace, format, out string
	data                          []string
	inputTypes                    []string
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
	workspaceFlag(cmd, &f.workspace)
	fl.StringVar(&f.format, "format", "onnx", "export format: onnx")
	fl.StringVarP(&f.out, "output", "o", "", "file to write")
	fl.StringArrayVar(&f.data, "data", nil, "dataset whose schema sets the numeric input types (optional)")
	fl.StringArrayVar(&f.inputTypes, "input-type", nil, "numeric input type, NAME=float|double|int64 (repeatable)")
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
	lm, err := loadModel(ctx, f.model, f.workspace)
	if err != nil {
		return err
	}
	opts := onnx.Options{Numeric: map[string]onnx.InputType{}, Metadata: map[string]string{}}
	schema := map[string]string{} // column → arrow type name, from the training profile or --data
	if lm.Version != "" {
		if err := versionMetadata(ctx, f.workspace, lm, opts.Metadata, schema); err != nil {
			return err
		}
	}
	if err := f.numericTypes(ctx, c.ingestOptions(), lm.m, schema, opts.Numeric); err != nil {
		return err
	}
	file, err := onnx.Export(lm.m, opts)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(f.out, file.Data, 0o644); err != nil {
		return err
	}
	printExport(cmd.OutOrStdout(), f.out, file)
	return nil
}

// numericTypes sets the input types of the model's numeric columns from
// their arrow types (schema, updated from the --data schema if given),
// then from --input-type.
func (f exportFlags) numericTypes(ctx context.Context, open ingest.Options, m *model.Model, schema map[string]string, types map[string]onnx.InputType) error {
	if len(f.data) > 0 {
		ds, err := ingest.Open(ctx, f.data, open)
		if err != nil {
			return err
		}
		for _, fl := range ds.Schema().Fields() {
			schema[fl.Name] = fl.Type.String()
		}
	}
	for _, c := range m.Preprocessor().Columns() {
		if t, ok := schema[c.Name]; ok && c.Kind == model.KindNumeric {
			types[c.Name] = inputTypeOf(t)
		}
	}
	for _, s := range f.inputTypes {
		name, typ, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("--input-type %q: want NAME=float|double|int64", s)
		}
		types[name] = onnx.InputType(typ)
	}
	return nil
}

// inputTypeOf maps an arrow type name to the input type that carries it
// without loss: int64 for integers, double for float64 and decimals.
func inputTypeOf(arrowType string) onnx.InputType {
	switch {
	case strings.HasPrefix(arrowType, "int") || strings.HasPrefix(arrowType, "uint"):
		return onnx.Int64
	case arrowType == "float64" || strings.HasPrefix(arrowType, "decimal"):
		return onnx.Double
	}
	return onnx.Float
}

func printExport(w io.Writer, path string, f *onnx.File) {
	fmt.Fprintf(w, "wrote %s: %s bytes, ONNX IR %d, opsets ai.onnx %d and ai.onnx.ml %d\n",
		path, numfmt.Count(int64(len(f.Data))), onnx.IRVersion, onnx.Opset, onnx.OpsetML)
	for _, group := range []struct {
		what string
		ts   []onnx.Tensor
	}{{"inputs", f.Inputs}, {"outputs", f.Outputs}} {
		fmt.Fprintf(w, "%s:\n", group.what)
		for _, t := range group.ts {
			fmt.Fprintf(w, "  %-16s %-7s %-7s %s\n", t.Name, t.Type, shapeText(t.Shape), t.Doc)
		}
	}
	ops := make([]string, 0, len(f.Ops))
	for _, op := range slices.Sorted(maps.Keys(f.Ops)) {
		ops = append(ops, fmt.Sprintf("%s %d", op, f.Ops[op]))
	}
	fmt.Fprintf(w, "nodes: %s\n", strings.Join(ops, ", "))
}

func shapeText(shape []int64) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
		if d < 0 {
			parts[i] = "N"
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}
