package inspect

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/refit-ml/refit/model"
)

func TestIsModelFile(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name, data string
		want       bool
	}{
		{"model", "\x20\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{\"format\":\"refit.model\"}}", true},
		{"other safetensors", "\x20\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{\"format\":\"pt\"}}", false},
		{"parquet", "PAR1\x00\x00\x00\x00{\"refit.model\"}", false},
		{"zero header length", "\x00\x00\x00\x00\x00\x00\x00\x00{\"refit.model\"}", false},
		{"short", "{}", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := IsModelFile(path); got != tt.want {
				t.Errorf("IsModelFile = %v, want %v", got, tt.want)
			}
		})
	}
	if IsModelFile(filepath.Join(dir, "missing")) {
		t.Error("a missing file is a model file")
	}
}

func TestDescribeLayer(t *testing.T) {
	w := []float32{1, 0, 0, 2, 0, 0} // 2x3, 4 of 6 weights zero
	b := []float32{0, 0.5}
	sparse, err := model.NewSparse(3, 2, w, b, model.ReLU)
	if err != nil {
		t.Fatal(err)
	}
	q8s, err := model.NewInt8Dense(3, 2, []int8{1, 0, 0, 2, 0, 0}, []float32{0.1, 0.1}, b, model.Sigmoid, model.Int8Options{InputScale: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	q8d, err := model.NewInt8Dense(3, 2, []int8{1, 1, 1, 2, 0, 0}, []float32{0.1, 0.1}, b, model.ReLU, model.Int8Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		l    model.Layer
		want Layer
	}{
		{"sparse", sparse, Layer{Kind: "sparse", In: 3, Out: 2, Activation: "relu", Params: 8, NonZeros: 3, Sparsity: 5.0 / 8, Quantized: "float32"}},
		{"int8 static", q8s, Layer{Kind: "int8", In: 3, Out: 2, Activation: "sigmoid", Params: 8, NonZeros: 3, Sparsity: 5.0 / 8, Quantized: "int8 per-channel, static input range"}},
		{"int8 dynamic", q8d, Layer{Kind: "int8", In: 3, Out: 2, Activation: "relu", Params: 8, NonZeros: 5, Sparsity: 3.0 / 8, Quantized: "int8 per-channel, dynamic input range"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := DescribeLayer(tt.l); got != tt.want {
				t.Errorf("DescribeLayer = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestColumnDetail(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    model.Column
		want string
	}{
		{"numeric", model.Column{Kind: model.KindNumeric, Mean: 1.5, Std: 2, Median: 1}, "mean 1.5, std 2, median 1"},
		{"numeric range missing", model.Column{Kind: model.KindNumeric, Mean: 1.23456, Std: 0.5, Median: 1, Range: []float64{-3, 10}, MissingIndicator: true},
			"mean 1.235, std 0.5, median 1, range [-3, 10], missing indicator"},
		{"categorical", model.Column{Kind: model.KindCategorical, Categories: []string{"a", "b"}}, "2 categories (a, b) + other + missing"},
		{"categorical many", model.Column{Kind: model.KindCategorical, Categories: []string{"a", "b", "c", "d", "e", "f"}},
			"6 categories (a, b, c, d, e, …) + other + missing"},
		{"time v1", model.Column{Kind: model.KindTime}, "sin/cos of the calendar (format version 1)"},
		{"time", model.Column{Kind: model.KindTime, Calendar: &model.Calendar{}, Zone: "UTC"}, "one-hot hour, weekday, zone UTC"},
		{"date month", model.Column{Kind: model.KindDate, Calendar: &model.Calendar{Month: true}}, "one-hot weekday, month"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ColumnDetail(tt.c); got != tt.want {
				t.Errorf("ColumnDetail = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	mi := &ModelInfo{Path: "m.refit", Bytes: 784, Task: "binary", Label: "late", Classes: []string{"0", "1"},
		Inputs:   []Input{{Name: "distance", Kind: model.KindNumeric, Features: 1, Detail: "mean 1"}},
		Features: 1, Params: 8, NonZeros: 3,
		Layers:  []Layer{{Kind: "sparse", In: 1, Out: 2, Activation: "relu", Params: 8, NonZeros: 3, Sparsity: 5.0 / 8, Quantized: "float32"}},
		Lineage: map[string]string{"z": "last", "a": "first"}, Notes: []string{"a note"}, Card: "# card\n"}
	var buf bytes.Buffer
	if err := mi.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	want := `model m.refit  784 B
task      binary
label     late
classes   0, 1
params    8 (3 non-zero)

inputs (1 columns, 1 features)
  column    encoding  features  learned
  distance  numeric   1         mean 1

layers
  #  kind    shape  activation  params  sparsity  weights
  1  sparse  1x2    relu        8       62.5%     float32
note: a note

lineage
  a: first
  z: last

# card
`
	if got := buf.String(); got != want {
		t.Errorf("WriteText:\n%s\nwant:\n%s", got, want)
	}
}
