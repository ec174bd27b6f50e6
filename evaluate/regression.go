package evaluate

import (
	"fmt"
	"math"
)

// Regression holds regression metrics.
type Regression struct {
	Rows int     `json:"rows"`
	RMSE float64 `json:"rmse"`
	MAE  float64 `json:"mae"`
	// R2 is 1 - SS_res/SS_tot; when the targets are constant it is 1 for a
	// perfect prediction and 0 otherwise (sklearn's force_finite=True).
	R2 float64 `json:"r2"`
	// MAPE is mean(|y - ŷ| / max(|y|, ε)) with ε the float64 machine epsilon,
	// as sklearn's mean_absolute_percentage_error: a fraction, not percent.
	MAPE float64 `json:"mape"`
}

// Metrics returns the metrics by name.
func (r Regression) Metrics() map[string]float64 {
	out := map[string]float64{}
	put(out, RMSE, r.RMSE)
	put(out, MAE, r.MAE)
	put(out, R2, r.R2)
	put(out, MAPE, r.MAPE)
	return out
}

// EvaluateRegression computes regression metrics of predictions against targets.
func EvaluateRegression[L Label](targets []L, preds []float32) (Regression, error) {
	if err := checkLen(len(targets), len(preds)); err != nil {
		return Regression{}, fmt.Errorf("evaluate regression: %w", err)
	}
	n := float64(len(targets))
	var mean float64
	for _, t := range targets {
		mean += float64(t)
	}
	mean /= n
	var se, ae, ape, tot float64
	for i, t := range targets {
		y, e := float64(t), float64(preds[i])-float64(t)
		se += e * e
		ae += math.Abs(e)
		ape += math.Abs(e) / math.Max(math.Abs(y), 0x1p-52)
		tot += (y - mean) * (y - mean)
	}
	r := Regression{Rows: len(targets), RMSE: math.Sqrt(se / n), MAE: ae / n, MAPE: ape / n}
	switch {
	case tot != 0:
		r.R2 = 1 - se/tot
	case se == 0:
		r.R2 = 1
	}
	return r, nil
}
