package export

import (
	"context"
	"strings"
	"testing"

	"github.com/refit-ml/refit/export/onnx"
	"github.com/refit-ml/refit/internal/modeltest"
	"github.com/refit-ml/refit/modelref"
)

func TestInputTypeOf(t *testing.T) {
	for in, want := range map[string]onnx.InputType{
		"int32": onnx.Int64, "uint8": onnx.Int64, "float64": onnx.Double, "decimal128(10, 2)": onnx.Double,
		"float32": onnx.Float, "float16": onnx.Float,
	} {
		if got := InputTypeOf(in); got != want {
			t.Errorf("InputTypeOf(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestONNX exports a model file with input types from a dataset's schema,
// then from --input-type, which wins.
func TestONNX(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	rows := modeltest.Rows(200, 4)
	data := modeltest.WriteData(t, dir, rows)
	l, err := modelref.Load(ctx, modeltest.SaveModel(t, dir, "m.refit", rows, 1, 1), dir)
	if err != nil {
		t.Fatal(err)
	}
	types := func(f *onnx.File) map[string]string {
		out := map[string]string{}
		for _, in := range f.Inputs {
			out[in.Name] = in.Type
		}
		return out
	}
	f, err := ONNX(ctx, l, Options{})
	if err != nil || types(f)["x"] != "float" {
		t.Fatalf("no schema: %v, %v", types(f), err)
	}
	f, err = ONNX(ctx, l, Options{Data: []string{data}, InputTypes: []string{"z=int64"}})
	if err != nil || types(f)["x"] != "double" || types(f)["z"] != "int64" {
		t.Fatalf("from the data and --input-type: %v, %v", types(f), err)
	}
	var b strings.Builder
	if err := WriteSummary(&b, "m.onnx", f); err != nil || !strings.HasPrefix(b.String(), "wrote m.onnx: ") ||
		!strings.Contains(b.String(), "  x                double  [N,1]") || !strings.Contains(b.String(), "nodes: ") {
		t.Errorf("summary (%v):\n%s", err, b.String())
	}
	if _, err := ONNX(ctx, l, Options{InputTypes: []string{"z"}}); err == nil || !strings.Contains(err.Error(), "NAME=float|double|int64") {
		t.Errorf("a bad --input-type: %v", err)
	}
}
