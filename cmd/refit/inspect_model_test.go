package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInspectModel(t *testing.T) {
	dir := trainData(t)
	path := trainSmall(t, dir)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A model file cut short is recognized as one, and refused as corrupt.
	if err := os.WriteFile(filepath.Join(dir, "cut.refit"), data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, dir, nil, []cliCase{
		{"inspect_model", []string{"inspect", "$DIR/m.refit"}, 0},
		{"inspect_model_json", []string{"inspect", "--format", "json", "$DIR/m.refit"}, 0},
		{"inspect_model_and_data", []string{"inspect", "$DIR/train.parquet", "$DIR/m.refit"}, 2},
		{"inspect_model_cut", []string{"inspect", "$DIR/cut.refit"}, 2},
	}, nil)
}
