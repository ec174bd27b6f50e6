package evaluate

import (
	"fmt"
	"math"
)

// Binary holds the binary-classification metrics of one model on one set of
// rows. Scores are probabilities of the positive class. Undefined values
// (AUC with one class present, say) are NaN.
type Binary struct {
	Rows      int       `json:"rows"`
	Threshold float64   `json:"threshold"`
	Confusion Confusion `json:"confusion"`
	Accuracy  float64   `json:"accuracy"`
	Precision float64   `json:"precision"` // 0 when nothing is predicted positive, as sklearn's zero_division default
	Recall    float64   `json:"recall"`    // 0 when there are no positives
	F1        float64   `json:"f1"`
	AUC       float64   `json:"auc"`
	PRAUC     float64   `json:"pr_auc"` // average precision, see AveragePrecision
	LogLoss   float64   `json:"logloss"`
	Brier     float64   `json:"brier"`
	ECE       float64   `json:"ece"`
}

// Confusion is a binary confusion matrix at a threshold.
type Confusion struct {
	TP int `json:"tp"`
	FP int `json:"fp"`
	TN int `json:"tn"`
	FN int `json:"fn"`
}

// binData is validated binary input: y[i] is the label, p[i] the score.
type binData struct {
	y []bool
	p []float64
}

func newBinData[L Label](labels []L, scores []float32) (binData, error) {
	if err := checkLen(len(labels), len(scores)); err != nil {
		return binData{}, err
	}
	d := binData{y: make([]bool, len(labels)), p: make([]float64, len(scores))}
	for i, l := range labels {
		if l != 0 && l != 1 {
			return binData{}, fmt.Errorf("%w: row %d: binary label %v is not 0 or 1", ErrInvalidInput, i, l)
		}
		s := float64(scores[i])
		if math.IsNaN(s) {
			return binData{}, fmt.Errorf("%w: row %d: score is NaN", ErrInvalidInput, i)
		}
		d.y[i], d.p[i] = l == 1, s
	}
	return d, nil
}

// probabilities reports an error unless every score is in [0, 1].
func (d binData) probabilities() error {
	for i, p := range d.p {
		if p < 0 || p > 1 {
			return fmt.Errorf("%w: row %d: probability %v outside [0, 1]", ErrInvalidInput, i, p)
		}
	}
	return nil
}

// EvaluateBinary computes every binary metric. A row is predicted positive
// when its score >= threshold (use 0.5 for probabilities).
func EvaluateBinary[L Label](labels []L, scores []float32, threshold float64) (Binary, error) {
	d, err := newBinData(labels, scores)
	if err == nil {
		err = d.probabilities()
	}
	if err != nil {
		return Binary{}, fmt.Errorf("evaluate binary: %w", err)
	}
	return d.all(threshold), nil
}

func (d binData) all(threshold float64) Binary {
	st := d.steps()
	c := d.confusion(threshold)
	m := c.metrics()
	return Binary{Rows: len(d.y), Threshold: threshold, Confusion: c,
		Accuracy: m[Accuracy], Precision: m[Precision], Recall: m[Recall], F1: m[F1],
		AUC: rocAUCSteps(st), PRAUC: averagePrecisionSteps(st),
		LogLoss: d.logLoss(), Brier: d.brier(), ECE: d.ece(CalibrationBins)}
}

// metrics returns accuracy, precision, recall and F1 by name.
func (c Confusion) metrics() map[string]float64 {
	return map[string]float64{
		Accuracy:  ratio(c.TP+c.TN, c.TP+c.TN+c.FP+c.FN),
		Precision: ratio(c.TP, c.TP+c.FP),
		Recall:    ratio(c.TP, c.TP+c.FN),
		F1:        ratio(2*c.TP, 2*c.TP+c.FP+c.FN),
	}
}

// ratio is a/b, or 0 when b is 0 (sklearn's zero_division="warn" value).
func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Metrics returns the metrics by name, leaving out undefined (NaN) ones.
func (b Binary) Metrics() map[string]float64 {
	m := map[string]float64{}
	for name, v := range map[string]float64{Accuracy: b.Accuracy, Precision: b.Precision,
		Recall: b.Recall, F1: b.F1, AUC: b.AUC, PRAUC: b.PRAUC, LogLoss: b.LogLoss,
		Brier: b.Brier, ECE: b.ECE} {
		put(m, name, v)
	}
	return m
}

func (d binData) confusion(threshold float64) Confusion {
	var c Confusion
	for i, y := range d.y {
		pos := d.p[i] >= threshold
		switch {
		case y && pos:
			c.TP++
		case y:
			c.FN++
		case pos:
			c.FP++
		default:
			c.TN++
		}
	}
	return c
}

// ConfusionAt returns the confusion matrix with positives at score >= threshold.
func ConfusionAt[L Label](labels []L, scores []float32, threshold float64) (Confusion, error) {
	d, err := newBinData(labels, scores)
	if err != nil {
		return Confusion{}, fmt.Errorf("evaluate confusion: %w", err)
	}
	return d.confusion(threshold), nil
}
