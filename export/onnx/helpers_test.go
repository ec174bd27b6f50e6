package onnx

import (
	"math/rand/v2"
	"testing"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/optimize"
)

// testColumns are one column of each kind and encoding: numeric with a
// missing indicator and without, categorical with rare values, a naive
// timestamp with a one-hot calendar missing some hours and months, a
// zoned timestamp with month, a date, and a v1 (sin/cos) timestamp.
func testColumns() []model.Column {
	hours := make([]int, 0, 24)
	for h := range 24 {
		if h != 3 && h != 4 {
			hours = append(hours, h)
		}
	}
	return []model.Column{
		{Name: "distance", Kind: model.KindNumeric, Median: 700, Mean: 812.5, Std: 540.25, MissingIndicator: true, Range: []float64{30, 4900}},
		{Name: "delay_prev", Kind: model.KindNumeric, Median: -2, Mean: 5.5, Std: 31},
		{Name: "origin", Kind: model.KindCategorical, Categories: []string{"ATL", "ORD", "DFW"}, Rare: []string{"ANC"}, Complete: true},
		{Name: "date", Kind: model.KindTime, MissingIndicator: true, Calendar: &model.Calendar{
			Hours: hours, Weekdays: []int{0, 1, 2, 3, 4, 5}, Months: []int{1, 2}, Days: 59}},
		{Name: "local", Kind: model.KindTime, Zone: "+05:30", Calendar: &model.Calendar{
			Hours: hours, Weekdays: []int{0, 1, 2, 3, 4, 5, 6}, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12}, Days: 400, Month: true}},
		{Name: "day", Kind: model.KindDate, MissingIndicator: true, Calendar: &model.Calendar{
			Weekdays: []int{1, 2, 3, 4, 5}, Months: []int{1, 3, 5, 7, 9, 11}, Days: 500, Month: true}},
		{Name: "v1time", Kind: model.KindTime, MissingIndicator: true},
	}
}

// testModel builds a float32 model of task over testColumns with random
// weights (hidden layers 8 and 4, relu), seeded.
func testModel(t testing.TB, task model.Task, seed uint64) *model.Model {
	t.Helper()
	pre, err := model.NewPreprocessor(testColumns())
	if err != nil {
		t.Fatal(err)
	}
	spec := model.Spec{Task: task, Labels: []string{"on time", "late"},
		Lineage: map[string]string{"label": "delay > 15", "trained_at": "2001-03-01T00:00:00Z"}}
	outs, last := 1, model.Sigmoid
	switch task {
	case model.TaskMulticlass:
		spec.Labels, outs, last = []string{"early", "on time", "late"}, 3, model.Softmax
	case model.TaskRegression:
		spec.Labels, spec.TargetMean, spec.TargetStd, last = nil, 7.5, 20, model.Identity
	}
	rng := rand.New(rand.NewPCG(seed, 19))
	widths := []int{pre.NumFeatures(), 8, 4, outs}
	var layers []model.Layer
	for i := range 3 {
		in, out := widths[i], widths[i+1]
		w, bias := make([]float32, in*out), make([]float32, out)
		for j := range w {
			w[j] = float32(rng.NormFloat64()) / 2
			if i == 0 && j%3 == 0 {
				w[j] = 0 // pruned
			}
		}
		for j := range bias {
			bias[j] = float32(rng.NormFloat64()) / 4
		}
		act := model.ReLU
		if i == 2 {
			act = last
		}
		d, err := model.NewDense(in, out, w, bias, act)
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, d)
	}
	m, err := model.New(spec, pre, layers)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// quantized returns m with int8 layers: dynamic, or static calibrated on
// random features.
func quantized(t testing.TB, m *model.Model, static bool) *model.Model {
	t.Helper()
	opts := optimize.QuantizeOptions{Static: static}
	if static {
		rng := rand.New(rand.NewPCG(3, 4))
		opts.Calibration = make([]float32, 512*m.Preprocessor().NumFeatures())
		for i := range opts.Calibration {
			opts.Calibration[i] = float32(rng.NormFloat64())
		}
	}
	q, err := optimize.Quantize(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
