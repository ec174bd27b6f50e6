package evaluate

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// golden.json is written by testdata/golden.py with scikit-learn (version in
// its "source" field). Values agree to goldenTol: the only differences are
// floating-point summation order (numpy sums pairwise).
const goldenTol = 1e-9

type golden struct {
	Source string `json:"source"`
	Binary []struct {
		Name      string         `json:"name"`
		Labels    []int          `json:"labels"`
		Scores    []float64      `json:"scores"`
		Threshold float64        `json:"threshold"`
		Want      map[string]any `json:"want"`
	} `json:"binary"`
	Multiclass []struct {
		Name   string              `json:"name"`
		Labels []int               `json:"labels"`
		Probs  []float64           `json:"probs"`
		K      int                 `json:"k"`
		Want   map[string]*float64 `json:"want"`
	} `json:"multiclass"`
	Regression []struct {
		Name    string              `json:"name"`
		Targets []float64           `json:"targets"`
		Preds   []float64           `json:"preds"`
		Want    map[string]*float64 `json:"want"`
	} `json:"regression"`
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func f32s(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x) // exact: golden.py wrote float32 values
	}
	return out
}

// near compares got with want (nil = undefined, so got must be NaN).
func near(t *testing.T, name string, got float64, want *float64) {
	t.Helper()
	switch {
	case want == nil && !math.IsNaN(got):
		t.Errorf("%s = %v, want undefined (NaN)", name, got)
	case want != nil && !(math.Abs(got-*want) <= goldenTol*math.Max(1, math.Abs(*want))):
		t.Errorf("%s = %.17g, want %.17g (sklearn)", name, got, *want)
	}
}

func ptr(v any) *float64 {
	f, ok := v.(float64)
	if !ok {
		return nil
	}
	return &f
}

func TestBinaryGolden(t *testing.T) {
	for _, c := range loadGolden(t).Binary {
		t.Run(c.Name, func(t *testing.T) {
			b, err := EvaluateBinary(c.Labels, f32s(c.Scores), c.Threshold)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{Accuracy: b.Accuracy, Precision: b.Precision, Recall: b.Recall,
				F1: b.F1, AUC: b.AUC, PRAUC: b.PRAUC, LogLoss: b.LogLoss, Brier: b.Brier, ECE: b.ECE}
			for name, v := range got {
				near(t, name, v, ptr(c.Want[name]))
			}
			cm, _ := json.Marshal(c.Want["confusion"])
			var want Confusion
			if err := json.Unmarshal(cm, &want); err != nil || want != b.Confusion {
				t.Errorf("confusion = %+v, want %+v (%v)", b.Confusion, want, err)
			}
		})
	}
}

func TestMulticlassGolden(t *testing.T) {
	for _, c := range loadGolden(t).Multiclass {
		t.Run(c.Name, func(t *testing.T) {
			m, err := EvaluateMulticlass(c.Labels, f32s(c.Probs), c.K)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Metrics()
			for name, want := range c.Want {
				near(t, name, got[name], want)
			}
		})
	}
}

func TestRegressionGolden(t *testing.T) {
	for _, c := range loadGolden(t).Regression {
		t.Run(c.Name, func(t *testing.T) {
			r, err := EvaluateRegression(f32s(c.Targets), f32s(c.Preds))
			if err != nil {
				t.Fatal(err)
			}
			got := r.Metrics()
			for name, want := range c.Want {
				near(t, name, got[name], want)
			}
		})
	}
}
