package evaluate

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestEvaluateWithSlices(t *testing.T) {
	labels := []int{0, 1, 0, 1, 1, 0, 1, 0}
	scores := []float32{0.1, 0.9, 0.6, 0.7, 0.2, 0.3, 0.8, 0.4}
	long := SliceRows([]bool{true, true, true, true, false, false, false, false})
	res, err := Evaluate(TaskBinary, labels, scores, Options{
		Slices:    []Slice{{Name: "long_haul", Rows: long}, {Name: "empty"}, {Name: "one_class", Rows: []int{1, 3}}},
		Bootstrap: &BootstrapOptions{Resamples: 50, Seed: 3},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantAUC, _ := ROCAUC(labels, scores)
	sliceAUC, _ := ROCAUC([]int{0, 1, 0, 1}, []float32{0.1, 0.9, 0.6, 0.7})
	lh, _ := res.Slice("long_haul")
	oc, _ := res.Slice("one_class")
	switch {
	case res.Rows != 8 || res.Metrics[AUC] != wantAUC:
		t.Errorf("overall %+v", res)
	case lh.Rows != 4 || lh.Metrics[AUC] != sliceAUC:
		t.Errorf("long_haul %+v, want auc %v", lh, sliceAUC)
	case oc.Rows != 2 || oc.Metrics[Accuracy] != 1:
		t.Errorf("one_class %+v", oc)
	case res.CI == nil || res.CI.Metric != AUC || res.CI.Estimate != wantAUC:
		t.Errorf("ci %+v", res.CI)
	}
	if _, ok := oc.Metrics[AUC]; ok {
		t.Error("one-class slice has an AUC")
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatalf("result not JSON-encodable: %v", err)
	}
}

func TestEvaluateTasks(t *testing.T) {
	mc, err := Evaluate(TaskMulticlass, []int{0, 2, 1}, []float32{.8, .1, .1, .2, .2, .6, .3, .4, .3},
		Options{Classes: 3, Slices: []Slice{{Name: "last", Rows: []int{2}}}})
	if err != nil || mc.Metrics[Accuracy] != 1 || mc.Slices[0].Metrics[Accuracy] != 1 {
		t.Fatalf("multiclass %+v, %v", mc, err)
	}
	rg, err := Evaluate(TaskRegression, []float64{1, 2, 3}, []float32{1, 2, 4}, Options{})
	if err != nil || rg.Metrics[MAE] != 1.0/3 {
		t.Fatalf("regression %+v, %v", rg, err)
	}
	for _, tc := range []struct {
		name string
		task Task
		opts Options
	}{
		{"unknown task", "ranking", Options{}},
		{"row out of range", TaskBinary, Options{Slices: []Slice{{Name: "x", Rows: []int{7}}}}},
		{"multiclass without classes", TaskMulticlass, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(tc.task, []int{0, 1}, []float32{0.2, 0.8}, tc.opts)
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("got %v, want ErrInvalidInput", err)
			}
		})
	}
}
