package evaluate

import (
	"fmt"
	"math"
)

// LogLossEps is the clipping applied to probabilities before taking logs,
// scikit-learn's log_loss default up to 1.1 (eps=1e-15; since 1.2 the default
// is the machine epsilon of the input's dtype): p is clipped to
// [LogLossEps, 1-LogLossEps], so a confident wrong prediction costs about
// 34.5 instead of +Inf.
const LogLossEps = 1e-15

// CalibrationBins is the number of equal-width bins of ExpectedCalibrationError.
const CalibrationBins = 10

// BinaryLogLoss returns the mean negative log-likelihood of labels 0/1 under
// probabilities p of the positive class, clipped by LogLossEps.
func BinaryLogLoss[L Label](labels []L, probs []float32) (float64, error) {
	d, err := newProbData(labels, probs)
	if err != nil {
		return math.NaN(), fmt.Errorf("evaluate log loss: %w", err)
	}
	return d.logLoss(), nil
}

// BrierScore returns the mean squared difference between probabilities of
// the positive class and labels 0/1.
func BrierScore[L Label](labels []L, probs []float32) (float64, error) {
	d, err := newProbData(labels, probs)
	if err != nil {
		return math.NaN(), fmt.Errorf("evaluate brier score: %w", err)
	}
	return d.brier(), nil
}

// ExpectedCalibrationError returns Σ_b (n_b / n) × |mean label in b − mean
// probability in b| over CalibrationBins equal-width bins. The bins are those
// of scikit-learn's calibration_curve(strategy="uniform"): edges k/10, each
// bin (lo, hi] except the first, which includes 0.
func ExpectedCalibrationError[L Label](labels []L, probs []float32) (float64, error) {
	d, err := newProbData(labels, probs)
	if err != nil {
		return math.NaN(), fmt.Errorf("evaluate calibration error: %w", err)
	}
	return d.ece(CalibrationBins), nil
}

func newProbData[L Label](labels []L, probs []float32) (binData, error) {
	d, err := newBinData(labels, probs)
	if err == nil {
		err = d.probabilities()
	}
	return d, err
}

func clip(p, lo, hi float64) float64 { return math.Min(math.Max(p, lo), hi) }

func (d binData) logLoss() float64 {
	var sum float64
	for i, y := range d.y {
		// As sklearn: clip p, form the columns [1-p, p], renormalize.
		p1 := clip(d.p[i], LogLossEps, 1-LogLossEps)
		p0 := 1 - p1
		if y {
			sum -= math.Log(p1 / (p0 + p1))
		} else {
			sum -= math.Log(p0 / (p0 + p1))
		}
	}
	return sum / float64(len(d.y))
}

func (d binData) brier() float64 {
	var sum float64
	for i, y := range d.y {
		e := d.p[i]
		if y {
			e = 1 - e
		}
		sum += e * e
	}
	return sum / float64(len(d.y))
}

func (d binData) ece(bins int) float64 {
	count := make([]int, bins)
	sumP := make([]float64, bins)
	sumY := make([]float64, bins)
	for i, p := range d.p {
		b := calibrationBin(p, bins)
		count[b]++
		sumP[b] += p
		if d.y[i] {
			sumY[b]++
		}
	}
	var ece float64
	for b, n := range count {
		if n > 0 {
			ece += float64(n) / float64(len(d.p)) * math.Abs(sumY[b]/float64(n)-sumP[b]/float64(n))
		}
	}
	return ece
}

// calibrationBin is numpy's searchsorted(linspace(0, 1, bins+1)[1:-1], p):
// the number of inner edges strictly below p, with edges computed as
// numpy's linspace does (k × step).
func calibrationBin(p float64, bins int) int {
	step := 1 / float64(bins)
	b := 0
	for k := 1; k < bins && float64(k)*step < p; k++ {
		b = k
	}
	return b
}
