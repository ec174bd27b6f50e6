package main

import (
	"github.com/refit-ml/refit/model"
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

func TestIsModelFile(t *testing.T) {
	dir := smallData(t)
	for _, tt := range []struct {
		name, data string
		want       bool
	}{
		{"model", "\x20\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{\"format\":\"refit.model\"}}", true},
		{"other safetensors", "\x20\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{\"format\":\"pt\"}}", false},
		{"parquet", "PAR1\x00\x00\x00\x00{\"refit.model\"}", false},
		{"short", "{}", false},
	} {
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := isModelFile(path); got != tt.want {
			t.Errorf("%s: isModelFile = %v, want %v", tt.name, got, tt.want)
		}
	}
	if isModelFile(filepath.Join(dir, "missing")) {
		t.Error("a missing file is a model file")
	}
}

func TestInspectLayer(t *testing.T) {
	w := []float32{1, 0, 0, 2, 0, 0} // 2x3, 4 of 6 weights zero
	b := []float32{0, 0.5}
	sparse, err := model.NewSparse(3, 2, w, b, model.ReLU)
	if err != nil {
		t.Fatal(err)
	}
	q8, err := model.NewInt8Dense(3, 2, []int8{1, 0, 0, 2, 0, 0}, []float32{0.1, 0.1}, b, model.Sigmoid, model.Int8Options{InputScale: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		l    model.Layer
		want layerInspection
	}{
		{sparse, layerInspection{Kind: "sparse", In: 3, Out: 2, Activation: "relu", Params: 8, NonZeros: 3, Sparsity: 5.0 / 8, Quantized: "float32"}},
		{q8, layerInspection{Kind: "int8", In: 3, Out: 2, Activation: "sigmoid", Params: 8, NonZeros: 3, Sparsity: 5.0 / 8, Quantized: "int8 per-channel, static input range"}},
	} {
		if got := inspectLayer(tt.l); got != tt.want {
			t.Errorf("inspectLayer = %+v, want %+v", got, tt.want)
		}
	}
}
