package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportFlags checks that bad export flags exit 2 with one line
// naming the problem.
func TestExportFlags(t *testing.T) {
	t.Parallel()
	dir := trainData(t)
	model := trainSmall(t, dir)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no output", []string{"export", "--model", model}, "--output are required"},
		{"bad format", []string{"export", "--model", model, "--format", "pmml", "-o", dir + "/m.onnx"}, `--format "pmml"`},
		{"bad input type", []string{"export", "--model", model, "--input-type", "distance", "-o", dir + "/m.onnx"}, `--input-type "distance"`},
		{"unknown type", []string{"export", "--model", model, "--input-type", "distance=int32", "-o", dir + "/m.onnx"}, `"int32"`},
		{"not numeric", []string{"export", "--model", model, "--input-type", "origin=int64", "-o", dir + "/m.onnx"}, `"origin": it is a categorical column`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tc.args, &stdout, &stderr); code != exitError {
				t.Errorf("exit code %d, want %d", code, exitError)
			}
			if msg := stderr.String(); !strings.Contains(msg, tc.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
				t.Errorf("stderr %q, want one line with %q", msg, tc.want)
			}
		})
	}
}

func trainSmall(t *testing.T, dir string) string {
	t.Helper()
	var out bytes.Buffer
	path := filepath.Join(dir, "m.refit")
	train := []string{"train", "--data", dir + "/train.parquet", "--label", "delay > 15", "--features", "distance,origin,date",
		"--hidden", "8", "--epochs", "3", "--seed", "3", "-o", path}
	if code := run(context.Background(), train, &out, &out); code != 0 {
		t.Fatalf("train: exit %d: %s", code, out.String())
	}
	return path
}

// TestExportFile exports a model file with input types from --data:
// distance is an int64 column there.
func TestExportFile(t *testing.T) {
	t.Parallel()
	dir := trainData(t)
	model := trainSmall(t, dir)
	var stdout, stderr bytes.Buffer
	args := []string{"export", "--model", model, "--data", dir + "/train.parquet", "-o", dir + "/m.onnx"}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"wrote " + dir + "/m.onnx", "ONNX IR 8", "  distance         int64   [N,1]", "  origin           string  [N,1]",
		"  date             int64   [N,1]", "  probabilities    float   [N,2]", "  label            string  [N]", "Gemm 2", "ai.onnx.ml:LabelEncoder"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(dir + "/m.onnx"); err != nil {
		t.Error(err)
	}
}

// TestExportChampion exports the demo's champion and checks that the
// registry's record of it is in the metadata.
func TestExportChampion(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("plays the demo")
	}
	dir := demoDir(t)
	var stdout, stderr bytes.Buffer
	args := []string{"export", "--model", "champion", "--workspace", dir + "/workspace", "--format", "onnx", "-o", dir + "/champion.onnx"}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	data, err := os.ReadFile(dir + "/champion.onnx")
	if err != nil {
		t.Fatal(err)
	}
	// metadata_props keys and values are plain strings in the protobuf.
	for _, want := range []string{"refit.version", "refit.model_card", "# Model card", "refit.metrics", "refit.training_window",
		"refit.lineage.dataset", "refit.preprocessing"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("exported file lacks %q", want)
		}
	}
	if !strings.Contains(stdout.String(), "  weight           ") {
		t.Errorf("output lacks the weight input:\n%s", stdout.String())
	}
}
