package evaluate

import (
	"errors"
	"math"
	"testing"
)

func TestInvalidInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  func() error
	}{
		{"length mismatch", func() error { _, err := ROCAUC([]int{0, 1}, []float32{0.5}); return err }},
		{"empty", func() error { _, err := EvaluateBinary([]int{}, []float32{}, 0.5); return err }},
		{"label 2", func() error { _, err := EvaluateBinary([]int{0, 2}, []float32{0.1, 0.2}, 0.5); return err }},
		{"probability above 1", func() error { _, err := EvaluateBinary([]int{0, 1}, []float32{0.1, 1.2}, 0.5); return err }},
		{"NaN score", func() error { _, err := ROCAUC([]int{0, 1}, []float32{0.1, float32(math.NaN())}); return err }},
		{"fractional class", func() error { _, err := EvaluateMulticlass([]float32{0.5}, []float32{0.5, 0.5}, 2); return err }},
		{"class out of range", func() error { _, err := EvaluateMulticlass([]int{2}, []float32{0.5, 0.5}, 2); return err }},
		{"ragged rows", func() error { _, err := EvaluateMulticlass([]int{1}, []float32{0.5, 0.5, 0}, 2); return err }},
		{"regression lengths", func() error { _, err := EvaluateRegression([]float64{1}, []float32{}); return err }},
		{"unknown bootstrap metric", func() error {
			_, err := BootstrapBinary([]int{0, 1}, []float32{0.2, 0.8}, "rmse", 0.5, BootstrapOptions{})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.err(); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("got %v, want ErrInvalidInput", err)
			}
		})
	}
}

func TestROCAUCRawScores(t *testing.T) {
	// Scores need not be probabilities; AUC depends only on their order.
	auc, err := ROCAUC([]int{0, 1, 0, 1}, []float32{-3, 10, 2, 2})
	if err != nil || auc != 0.875 { // (1 + 1 + 1 + ½) / 4, by hand
		t.Fatalf("auc = %v, %v", auc, err)
	}
}

func TestMetricsMapLeavesOutUndefined(t *testing.T) {
	b, err := EvaluateBinary([]int{1, 1}, []float32{0.3, 0.9}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	m := b.Metrics()
	if _, ok := m[AUC]; ok || len(m) != 8 {
		t.Fatalf("metrics %v: want every metric but auc", m)
	}
}

func TestBootstrap(t *testing.T) {
	labels := make([]int, 400)
	scores := make([]float32, 400)
	for i := range labels {
		labels[i] = i % 2
		scores[i] = float32(i%7)/10 + float32(labels[i])*0.3 // overlapping classes
	}
	opts := BootstrapOptions{Resamples: 300, Seed: 42}
	a, err := BootstrapBinary(labels, scores, AUC, 0.5, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BootstrapBinary(labels, scores, AUC, 0.5, opts)
	if a != b {
		t.Fatalf("same seed, different intervals: %+v %+v", a, b)
	}
	exact, _ := ROCAUC(labels, scores)
	if a.Estimate != exact || !(a.Lo < exact && exact < a.Hi) || a.Hi-a.Lo > 0.2 || a.Resamples != 300 {
		t.Fatalf("interval %+v around %v", a, exact)
	}
	opts.Seed = 43
	if c, _ := BootstrapBinary(labels, scores, AUC, 0.5, opts); c == a {
		t.Fatal("different seeds gave the same interval")
	}
}

func TestPercentile(t *testing.T) {
	// numpy.percentile([1, 2, 3, 4], [0, 2.5, 50, 97.5, 100]) =
	// [1, 1.075, 2.5, 3.925, 4]
	vals := []float64{1, 2, 3, 4}
	for q, want := range map[float64]float64{0: 1, 0.025: 1.075, 0.5: 2.5, 0.975: 3.925, 1: 4} {
		if got := percentile(vals, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("percentile(%v) = %v, want %v", q, got, want)
		}
	}
}

func TestBootstrapPaired(t *testing.T) {
	labels := make([]int, 300)
	good := make([]float32, 300)
	bad := make([]float32, 300)
	for i := range labels {
		labels[i] = i % 2
		noise := float32(i%11) / 20
		good[i] = 0.3*float32(labels[i]) + noise // well separated
		bad[i] = 0.05*float32(labels[i]) + noise // barely
	}
	opts := BootstrapOptions{Resamples: 200, Seed: 1}
	iv, err := BootstrapBinaryPaired(labels, good, bad, AUC, 0.5, opts)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ROCAUC(labels, good)
	b, _ := ROCAUC(labels, bad)
	if math.Abs(iv.Estimate-(a-b)) > 1e-15 || !(iv.Lo > 0) || iv.Lo > iv.Estimate || iv.Hi < iv.Estimate {
		t.Fatalf("paired interval %+v, difference %v", iv, a-b)
	}
	same, _ := BootstrapBinaryPaired(labels, good, good, AUC, 0.5, opts)
	if same.Lo != 0 || same.Hi != 0 {
		t.Fatalf("a model against itself: %+v", same)
	}
}
