package onnx_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/refit-ml/refit/export/onnx"
	"github.com/refit-ml/refit/model"
)

// Export a small logistic regression, with its preprocessing, and list
// the ONNX model's inputs and outputs.
func Example() {
	pre, err := model.NewPreprocessor([]model.Column{
		{Name: "distance", Kind: model.KindNumeric, Median: 1200, Mean: 1300, Std: 784.2, MissingIndicator: true},
		{Name: "origin", Kind: model.KindCategorical, Categories: []string{"ORD", "ATL"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	w := []float32{1.5, 0, 0.8, -0.5, 0, 0} // one weight per feature
	layer, err := model.NewDense(pre.NumFeatures(), 1, w, []float32{-1}, model.Sigmoid)
	if err != nil {
		log.Fatal(err)
	}
	m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"on time", "late"}}, pre, []model.Layer{layer})
	if err != nil {
		log.Fatal(err)
	}
	f, err := onnx.Export(m, onnx.Options{
		Numeric:  map[string]onnx.InputType{"distance": onnx.Int64},
		Metadata: map[string]string{"refit.version": "v0001"},
	})
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "late.onnx")
	if err := os.WriteFile(path, f.Data, 0o644); err != nil {
		log.Fatal(err)
	}
	defer os.Remove(path)
	for _, t := range append(f.Inputs, f.Outputs...) {
		fmt.Println(t.Name, t.Type, t.Shape)
	}
	fmt.Println(f.Ops["Gemm"], "Gemm,", f.Ops["ai.onnx.ml:LabelEncoder"], "LabelEncoder")
	// Output:
	// distance int64 [-1 1]
	// origin string [-1 1]
	// probabilities float [-1 2]
	// label string [-1]
	// 1 Gemm, 2 LabelEncoder
}
