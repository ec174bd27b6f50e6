package evaluate

import (
	"fmt"
	"math"
	"slices"
)

// Multiclass holds multiclass-classification metrics. The predicted class of
// a row is the arg max of its probabilities (the first on ties).
type Multiclass struct {
	Rows     int     `json:"rows"`
	Classes  int     `json:"classes"`
	Accuracy float64 `json:"accuracy"`
	// MacroF1 averages per-class F1 over the classes present in labels or
	// predictions, as sklearn's f1_score(average="macro"); a class never
	// predicted nor present has no F1, a class with no true positives has 0.
	MacroF1 float64 `json:"macro_f1"`
	// WeightedF1 weights per-class F1 by the class's count in labels.
	WeightedF1 float64 `json:"weighted_f1"`
	// LogLoss clips each probability to [LogLossEps, 1-LogLossEps] and
	// renormalizes each row to sum to 1, as sklearn's log_loss.
	LogLoss float64 `json:"logloss"`
}

// Metrics returns the metrics by name, leaving out undefined (NaN) ones.
func (m Multiclass) Metrics() map[string]float64 {
	out := map[string]float64{}
	put(out, Accuracy, m.Accuracy)
	put(out, MacroF1, m.MacroF1)
	put(out, WeightedF1, m.WeightedF1)
	put(out, LogLoss, m.LogLoss)
	return out
}

// EvaluateMulticlass computes multiclass metrics. probs is row-major with k
// columns: probs[i*k+c] is the probability of class c for row i; labels are
// integers in [0, k).
func EvaluateMulticlass[L Label](labels []L, probs []float32, k int) (Multiclass, error) {
	y, err := classLabels(labels, probs, k)
	if err != nil {
		return Multiclass{}, fmt.Errorf("evaluate multiclass: %w", err)
	}
	pred := make([]int, len(y))
	for i := range y {
		row := probs[i*k : (i+1)*k]
		pred[i] = slices.Index(row, slices.Max(row))
	}
	m := Multiclass{Rows: len(y), Classes: k, LogLoss: multiLogLoss(y, probs, k)}
	var correct int
	for i := range y {
		if y[i] == pred[i] {
			correct++
		}
	}
	m.Accuracy = float64(correct) / float64(len(y))
	m.MacroF1, m.WeightedF1 = f1Averages(y, pred, k)
	return m, nil
}

func classLabels[L Label](labels []L, probs []float32, k int) ([]int, error) {
	if k < 2 || len(probs)%k != 0 {
		return nil, fmt.Errorf("%w: %d probabilities do not form rows of k=%d classes", ErrInvalidInput, len(probs), k)
	}
	if err := checkLen(len(labels), len(probs)/k); err != nil {
		return nil, err
	}
	y := make([]int, len(labels))
	for i, l := range labels {
		c := int(l)
		if L(c) != l || c < 0 || c >= k {
			return nil, fmt.Errorf("%w: row %d: label %v is not a class in [0, %d)", ErrInvalidInput, i, l, k)
		}
		y[i] = c
	}
	for i, p := range probs {
		if !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("%w: row %d: probability %v outside [0, 1]", ErrInvalidInput, i/k, p)
		}
	}
	return y, nil
}

func multiLogLoss(y []int, probs []float32, k int) float64 {
	var sum float64
	for i, c := range y {
		var total, pc float64
		for j := 0; j < k; j++ {
			p := clip(float64(probs[i*k+j]), LogLossEps, 1-LogLossEps)
			total += p
			if j == c {
				pc = p
			}
		}
		sum -= math.Log(pc / total)
	}
	return sum / float64(len(y))
}

// f1Averages returns macro and support-weighted F1 over the classes present
// in y or pred.
func f1Averages(y, pred []int, k int) (macro, weighted float64) {
	tp, fp, fn := make([]int, k), make([]int, k), make([]int, k)
	for i := range y {
		if y[i] == pred[i] {
			tp[y[i]]++
		} else {
			fp[pred[i]]++
			fn[y[i]]++
		}
	}
	present := 0
	for c := 0; c < k; c++ {
		support := tp[c] + fn[c]
		if support+fp[c] == 0 {
			continue
		}
		f1 := ratio(2*tp[c], 2*tp[c]+fp[c]+fn[c])
		present++
		macro += f1
		weighted += f1 * float64(support)
	}
	return macro / float64(present), weighted / float64(len(y))
}
