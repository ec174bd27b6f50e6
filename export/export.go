// Package export writes a workspace's model in a format other runtimes
// load: ONNX (package export/onnx does the conversion), with what the
// registry knows of the model's version in the file's metadata (version,
// dates, gate, metrics, model card, training window) and its numeric
// input types taken from the training profile, a dataset's schema or the
// caller's choice.
package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/refit-ml/refit/export/onnx"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/workspace"
)

// Options configure ONNX. The zero value exports with float inputs and no
// registry metadata for a model given as a file.
type Options struct {
	// Workspace is the workspace of a registered model.
	Workspace string
	// Data is a dataset whose schema sets the numeric input types.
	Data []string
	// InputTypes are NAME=float|double|int64 choices; they win over the
	// profile's and Data's types.
	InputTypes []string
	// Ingest are the options Data is opened with.
	Ingest ingest.Options
}

// ONNX converts the model to an ONNX file. The input type of a numeric
// column carries its training profile's type (for a registered version),
// else Data's, then InputTypes.
func ONNX(ctx context.Context, l *modelref.Loaded, opts Options) (*onnx.File, error) {
	o := onnx.Options{Numeric: map[string]onnx.InputType{}, Metadata: map[string]string{}}
	schema := map[string]string{} // column → arrow type name, from the training profile or Data
	if l.Version != "" {
		if err := versionMetadata(ctx, opts.Workspace, l, o.Metadata, schema); err != nil {
			return nil, err
		}
	}
	if err := numericTypes(ctx, opts, l.Model, schema, o.Numeric); err != nil {
		return nil, err
	}
	return onnx.Export(l.Model, o)
}

// numericTypes sets the input types of the model's numeric columns from
// their arrow types (schema, updated from the Data schema if given), then
// from InputTypes.
func numericTypes(ctx context.Context, opts Options, m *model.Model, schema map[string]string, types map[string]onnx.InputType) error {
	if len(opts.Data) > 0 {
		ds, err := ingest.Open(ctx, opts.Data, opts.Ingest)
		if err != nil {
			return err
		}
		for _, fl := range ds.Schema().Fields() {
			schema[fl.Name] = fl.Type.String()
		}
	}
	for _, c := range m.Preprocessor().Columns() {
		if t, ok := schema[c.Name]; ok && c.Kind == model.KindNumeric {
			types[c.Name] = InputTypeOf(t)
		}
	}
	for _, s := range opts.InputTypes {
		name, typ, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("--input-type %q: want NAME=float|double|int64", s)
		}
		types[name] = onnx.InputType(typ)
	}
	return nil
}

// InputTypeOf maps an arrow type name to the input type that carries it
// without loss: int64 for integers, double for float64 and decimals,
// float for the rest.
func InputTypeOf(arrowType string) onnx.InputType {
	switch {
	case strings.HasPrefix(arrowType, "int") || strings.HasPrefix(arrowType, "uint"):
		return onnx.Int64
	case arrowType == "float64" || strings.HasPrefix(arrowType, "decimal"):
		return onnx.Double
	}
	return onnx.Float
}

// versionMetadata adds what the registry knows about l's version to md
// (version, dates, gate, metrics, model card, training window) and the
// training profile's column types to schema.
func versionMetadata(ctx context.Context, ws string, l *modelref.Loaded, md, schema map[string]string) error {
	v, err := modelref.Resolve(ctx, l.Version, ws)
	if err != nil {
		return err
	}
	md["refit.version"] = v.ID
	md["refit.created"] = v.Created.UTC().Format(time.RFC3339)
	md["refit.gate"] = string(v.Gate)
	md["refit.metrics"] = string(v.Metrics)
	for k, val := range map[string]string{"refit.parent": v.Parent, "refit.dataset": v.DatasetFingerprint, "refit.config_hash": v.ConfigHash} {
		if val != "" {
			md[k] = val
		}
	}
	if a, ok := v.Artifact("MODEL_CARD.md"); ok {
		if card, err := os.ReadFile(a.Path); err == nil {
			md["refit.model_card"] = string(card)
		}
	}
	if run := l.Model.Spec().Lineage["run"]; run != "" {
		if rec, err := workspace.Dir(ws).ReadRecord(run); err == nil && rec.Training != nil {
			md["refit.training_window"], md["refit.holdout_window"] = rec.Training.Window, rec.Training.Holdout
		}
	}
	if a, ok := v.Artifact("profile.json"); ok {
		profileTypes(a.Path, schema)
	}
	return nil
}

// profileTypes reads the column types of a saved training profile into
// schema. A profile it cannot read is skipped: the types then default to
// float.
func profileTypes(path string, schema map[string]string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var p struct {
		Fields []struct{ Name, Type string } `json:"fields"`
	}
	if json.Unmarshal(data, &p) != nil {
		return
	}
	for _, fl := range p.Fields {
		schema[fl.Name] = fl.Type
	}
}

// WriteSummary describes the ONNX file written to path: its size and
// versions, its inputs and outputs, and its nodes by operator.
func WriteSummary(w io.Writer, path string, f *onnx.File) error {
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
	_, err := fmt.Fprintf(w, "nodes: %s\n", strings.Join(ops, ", "))
	return err
}

// shapeText writes a shape as [N,1], N for a dynamic dimension.
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
