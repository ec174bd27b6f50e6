package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/report"
)

// TestOptimizeFlags checks that bad quantization flags exit 2 with one
// line naming the flag.
func TestOptimizeFlags(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// TestOptimizeMeasuresUnseenRows: with fine-tuning, the metric is measured
// on the tail of the --data rows and fine-tuning uses only the rows before
// it; the output says which rows those were.
func TestOptimizeMeasuresUnseenRows(t *testing.T) {
	t.Parallel()
	dir := trainData(t)
	var out bytes.Buffer
	trainArgs := []string{"train", "--data", dir + "/train.parquet", "--label", "delay > 15", "--features", "distance,origin",
		"--hidden", "8", "--epochs", "4", "--seed", "3", "-o", dir + "/m.refit"}
	if code := run(context.Background(), trainArgs, &out, &out); code != 0 {
		t.Fatalf("train: exit %d: %s", code, out.String())
	}
	for _, tc := range []struct {
		name     string
		extra    []string
		fineTune bool
	}{
		{"fine-tuned", []string{"--sparsity", "0.5", "--epochs", "1"}, true},
		{"quantized only", []string{"--quantize", "int8"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"optimize", "--model", dir + "/m.refit", "--data", dir + "/train.parquet",
				"--max-drop", "1", "--format", "json", "-o", dir + "/o.refit"}, tc.extra...)
			if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
				t.Fatalf("optimize: exit %d: %s", code, stderr.String())
			}
			var got report.Optimization
			if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			m := got.MeasureRows
			if int64(got.Rows) != m.To-m.From {
				t.Errorf("%d measuring rows, range %v", got.Rows, m)
			}
			switch ft := got.FineTuneRows; {
			case !tc.fineTune && (ft != nil || m.From != 0):
				t.Errorf("without fine-tuning: fine-tune rows %v, measure rows %v; want every row measured", ft, m)
			case tc.fineTune && (ft == nil || ft.From != 0 || ft.To != m.From || m.To-m.From != m.To/10):
				t.Errorf("fine-tune rows %v, measure rows %v: want the first 90 %% and the last 10 %%", ft, m)
			}
		})
	}
}
