package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/refit-ml/refit/model"
)

// TestOptimizeFlags checks that bad quantization flags exit 2 with one
// line naming the flag.
func TestOptimizeFlags(t *testing.T) {
	base := []string{"optimize", "--model", "$DIR/m.refit", "--data", "$DIR/d.parquet", "-o", "$DIR/o.refit", "--quantize", "int8"}
	runCases(t, t.TempDir(), nil, []cliCase{
		{"optimize_bad_quantize", []string{"optimize", "--model", "$DIR/m.refit", "--data", "$DIR/d.parquet", "-o", "$DIR/o.refit", "--quantize", "int4"}, 2},
		{"optimize_bad_activations", append(base, "--activations", "fixed"), 2},
		{"optimize_bad_percentile", append(base, "--percentile", "120"), 2},
		{"optimize_bad_keep_float", append(base, "--keep-float", "middle"), 2},
	}, nil)
}

// TestOptimizeStaticKeepFloat quantizes a trained model with static input
// ranges and the last layer kept in float32, and checks the written model
// is made that way.
func TestOptimizeStaticKeepFloat(t *testing.T) {
	dir := trainData(t)
	var out bytes.Buffer
	train := []string{"train", "--data", dir + "/train.parquet", "--label", "delay > 15", "--features", "distance,origin,date",
		"--hidden", "8,4", "--epochs", "10", "--seed", "3", "-o", dir + "/m.refit"}
	if code := run(context.Background(), train, &out, &out); code != 0 {
		t.Fatalf("train: exit %d: %s", code, out.String())
	}
	args := []string{"optimize", "--model", dir + "/m.refit", "--data", dir + "/train.parquet", "--quantize", "int8",
		"--activations", "static", "--keep-float", "last", "--max-drop", "1", "-o", dir + "/o.refit"}
	if code := run(context.Background(), args, &out, &out); code != 0 {
		t.Fatalf("optimize: exit %d: %s", code, out.String())
	}
	m, err := model.Load(filepath.Join(dir, "o.refit"))
	if err != nil {
		t.Fatal(err)
	}
	layers := m.Layers()
	for i, l := range layers[:len(layers)-1] {
		q, ok := l.(*model.Int8Dense)
		if !ok {
			t.Fatalf("layer %d is %T, want int8", i, l)
		}
		if q.Options().InputScale == 0 {
			t.Errorf("layer %d has dynamic input ranges, want static", i)
		}
	}
	if l := layers[len(layers)-1]; !isFloat(l) {
		t.Errorf("last layer is %T, want float32 (--keep-float last)", l)
	}
}

func isFloat(l model.Layer) bool {
	switch l.(type) {
	case *model.Dense, *model.Sparse:
		return true
	}
	return false
}
