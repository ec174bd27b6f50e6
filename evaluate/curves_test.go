package evaluate

import (
	"math"
	"testing"
)

// TestBinaryCurves checks the curves on four rows against scikit-learn
// 1.x: roc_curve(y, s, drop_intermediate=False) gives fpr [0, 0, .5, .5,
// 1], tpr [0, .5, .5, 1, 1]; precision_recall_curve gives (recall,
// precision) (.5, 1), (.5, .5), (1, 2/3), (1, .5); calibration_curve's
// bins (ECE's) hold 0.05 | 0.33, 0.38 | 0.85.
func TestBinaryCurves(t *testing.T) {
	c, err := BinaryCurves([]int{0, 0, 1, 1}, []float32{0.05, 0.38, 0.33, 0.85}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	wantROC := []CurvePoint{{0, 0}, {0, .5}, {.5, .5}, {.5, 1}, {1, 1}}
	wantPR := []CurvePoint{{.5, 1}, {.5, .5}, {1, 2.0 / 3}, {1, .5}}
	checkPoints(t, "roc", c.ROC, wantROC)
	checkPoints(t, "pr", c.PR, wantPR)
	if c.Positives != 2 || c.Rows != 4 || c.Prevalence() != 0.5 || c.BaselineAccuracy() != 0.5 {
		t.Errorf("positives %d of %d, prevalence %v, baseline %v", c.Positives, c.Rows, c.Prevalence(), c.BaselineAccuracy())
	}
	if c.Confusion != (Confusion{TP: 1, FN: 1, TN: 2}) {
		t.Errorf("confusion %+v", c.Confusion)
	}
	want := []ReliabilityBin{{0, .1, 1, .05, 0}, {.3, .4, 2, (.33 + .38) / 2, .5}, {.8, .9, 1, .85, 1}}
	if len(c.Reliability) != len(want) {
		t.Fatalf("reliability %+v", c.Reliability)
	}
	for i, b := range c.Reliability {
		w := want[i]
		if b.Rows != w.Rows || math.Abs(b.Lo-w.Lo) > 1e-12 || math.Abs(b.MeanScore-w.MeanScore) > 1e-6 || b.Positive != w.Positive {
			t.Errorf("bin %d: %+v, want %+v", i, b, w)
		}
	}
}

func checkPoints(t *testing.T, name string, got, want []CurvePoint) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %v, want %v", name, got, want)
	}
	for i := range got {
		if math.Abs(got[i].X-want[i].X) > 1e-12 || math.Abs(got[i].Y-want[i].Y) > 1e-12 {
			t.Errorf("%s point %d: %v, want %v", name, i, got[i], want[i])
		}
	}
}

func TestCurvesThinned(t *testing.T) {
	n := 5000
	labels, scores := make([]int, n), make([]float32, n)
	for i := range n {
		labels[i], scores[i] = i%3%2, float32(i)/float32(n)
	}
	c, err := BinaryCurves(labels, scores, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ROC) != MaxCurvePoints+1 || len(c.PR) != MaxCurvePoints {
		t.Errorf("%d ROC and %d PR points, want %d and %d", len(c.ROC), len(c.PR), MaxCurvePoints+1, MaxCurvePoints)
	}
	if last := c.ROC[len(c.ROC)-1]; last != (CurvePoint{1, 1}) {
		t.Errorf("ROC ends at %v", last)
	}
}

// TestHanleyMcNeil checks the interval by hand: AUC 0.75 over 2 positives
// and 2 negatives has Q1 = 0.6, Q2 = 0.642857, variance
// (0.1875 + 0.0375 + 0.080357) / 4 = 0.076339, so 0.75 ± 1.96 × 0.27630,
// clipped at 1.
func TestHanleyMcNeil(t *testing.T) {
	iv := hanleyMcNeil(0.75, 2, 2, "s")
	if iv == nil || math.Abs(iv.Lo-0.20846) > 1e-4 || iv.Hi != 1 || iv.Level != 0.95 || iv.Slice != "s" {
		t.Errorf("interval %+v, want [0.2085, 1]", iv)
	}
	if hanleyMcNeil(0.8, 0, 10, "") != nil {
		t.Error("an interval without positives")
	}
}
