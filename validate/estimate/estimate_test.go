package estimate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/refit-ml/refit/evaluate"
)

// Four rows by hand: decisions at 0.5 give expected TP 0.8+0.6, FP
// 0.2+0.4, FN 0.4+0.1, TN 0.6+0.9; the expected ROC curve's area is
// 3.145/(1.9·2.1).
func TestBinaryByHand(t *testing.T) {
	scores := []float32{0.9, 0.8, 0.3, 0.2}
	cal := []float64{0.8, 0.6, 0.4, 0.1}
	e, err := Binary(scores, cal, Options{Samples: 50})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{Accuracy: 2.9 / 4, Precision: 0.7, Recall: 1.4 / 1.9, F1: 2.8 / 3.9, AUC: 3.145 / (1.9 * 2.1)}
	for name, w := range want {
		m, ok := e.Metric(name)
		if !ok || math.Abs(m.Value-w) > 1e-12 || !(m.Lo <= m.Hi) {
			t.Errorf("%s = %+v, want %.6f", name, m, w)
		}
	}
	if math.Abs(e.PositiveRate-0.475) > 1e-12 || len(e.Warnings) != 1 {
		t.Errorf("positive rate %v, warnings %q", e.PositiveRate, e.Warnings)
	}
}

// synthBinary draws n scores and calibrated probabilities p = score^1.5
// (the model is miscalibrated; the calibrator is exact).
func synthBinary(n int, seed uint64) ([]float32, []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	scores, cal := make([]float32, n), make([]float64, n)
	for i := range scores {
		scores[i] = float32(rng.Float64())
		cal[i] = math.Pow(float64(scores[i]), 1.5)
	}
	return scores, cal
}

// When the labels really come from the calibrated probabilities (the
// assumptions hold), the realized metrics, computed by package evaluate,
// fall inside the 95 % intervals about 95 % of the time, and average to
// the point estimates.
func TestBinaryCoverage(t *testing.T) {
	scores, cal := synthBinary(3000, 3)
	e, err := Binary(scores, cal, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(99, 2))
	const trials = 300
	inside, mean := map[string]int{}, map[string]float64{}
	labels := make([]int, len(scores))
	for range trials {
		for i, p := range cal {
			labels[i] = 0
			if rng.Float64() < p {
				labels[i] = 1
			}
		}
		got, err := evaluate.EvaluateBinary(labels, scores, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		real := map[string]float64{Accuracy: got.Accuracy, Precision: got.Precision, Recall: got.Recall, F1: got.F1, AUC: got.AUC}
		for _, m := range e.Metrics {
			mean[m.Name] += real[m.Name] / trials
			if real[m.Name] >= m.Lo && real[m.Name] <= m.Hi {
				inside[m.Name]++
			}
		}
	}
	for _, m := range e.Metrics {
		cover := float64(inside[m.Name]) / trials
		t.Logf("%s: estimate %.4f [%.4f, %.4f], mean realized %.4f, coverage %.3f", m.Name, m.Value, m.Lo, m.Hi, mean[m.Name], cover)
		if cover < 0.90 || cover > 0.99 {
			t.Errorf("%s: coverage %.3f of the 95%% interval", m.Name, cover)
		}
		if math.Abs(mean[m.Name]-m.Value) > (m.Hi-m.Lo)/10 {
			t.Errorf("%s: estimate %.4f, mean realized %.4f", m.Name, m.Value, mean[m.Name])
		}
	}
}

// The same for three classes against evaluate.EvaluateMulticlass's
// accuracy and macro F1.
func TestMulticlassCoverage(t *testing.T) {
	const n, k = 3000, 3
	rng := rand.New(rand.NewPCG(5, 1))
	scores, cal := make([]float32, n*k), make([]float64, n*k)
	for i := range n {
		var s, c float64
		row := make([]float64, k)
		for j := range k {
			row[j] = rng.NormFloat64()
			s += math.Exp(row[j])
			c += math.Exp(2 * row[j])
		}
		for j := range k {
			scores[i*k+j] = float32(math.Exp(row[j]) / s)
			cal[i*k+j] = math.Exp(2*row[j]) / c
		}
	}
	e, err := Multiclass(scores, cal, k, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	const trials = 300
	inside := map[string]int{}
	labels := make([]int, n)
	for range trials {
		for i := range n {
			labels[i] = draw(rng, cal[i*k:(i+1)*k])
		}
		got, err := evaluate.EvaluateMulticlass(labels, scores, k)
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]float64{Accuracy: got.Accuracy, MacroF1: got.MacroF1} {
			if m, _ := e.Metric(name); v >= m.Lo && v <= m.Hi {
				inside[name]++
			}
		}
	}
	for _, name := range []string{Accuracy, MacroF1} {
		m, _ := e.Metric(name)
		cover := float64(inside[name]) / trials
		t.Logf("%s: estimate %.4f [%.4f, %.4f], coverage %.3f", name, m.Value, m.Lo, m.Hi, cover)
		if cover < 0.90 || cover > 0.99 {
			t.Errorf("%s: coverage %.3f of the 95%% interval", name, cover)
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Binary(nil, nil, Options{}); err == nil {
		t.Error("no rows: no error")
	}
	if _, err := Binary([]float32{0.5}, []float64{0.5, 0.1}, Options{}); err == nil {
		t.Error("mismatched lengths: no error")
	}
	if _, err := Multiclass([]float32{0.5, 0.5}, []float64{0.5, 0.5}, 2, Options{Level: 1.5}); err == nil {
		t.Error("level 1.5: no error")
	}
}
