package evaluate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// ROCAUC returns the area under the ROC curve of scores (higher means more
// likely positive) for labels 0/1. Tied scores count one half, so the value
// equals the Mann-Whitney U statistic / (positives × negatives) and
// scikit-learn's roc_auc_score exactly. It is NaN when only one class is
// present. Scores need not be probabilities.
func ROCAUC[L Label](labels []L, scores []float32) (float64, error) {
	d, err := newBinData(labels, scores)
	if err != nil {
		return math.NaN(), fmt.Errorf("evaluate roc auc: %w", err)
	}
	return d.rocAUC(), nil
}

// AveragePrecision returns the area under the precision-recall curve as
// scikit-learn's average_precision_score computes it: the sum over distinct
// score thresholds, from high to low, of (R_n - R_{n-1}) × P_n, without
// interpolation. It is NaN when there are no positives.
func AveragePrecision[L Label](labels []L, scores []float32) (float64, error) {
	d, err := newBinData(labels, scores)
	if err != nil {
		return math.NaN(), fmt.Errorf("evaluate average precision: %w", err)
	}
	return d.averagePrecision(), nil
}

// step is the cumulative true and false positive counts after all rows with
// a score >= some distinct threshold.
type step struct{ tp, fp int }

// steps walks the distinct scores from high to low; tied rows form one step.
func (d binData) steps() []step {
	type row struct {
		p float64
		y bool
	}
	rows := make([]row, len(d.p))
	for i, p := range d.p {
		rows[i] = row{p, d.y[i]}
	}
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(b.p, a.p) })
	var out []step
	var cur step
	for k, r := range rows {
		if r.y {
			cur.tp++
		} else {
			cur.fp++
		}
		if k == len(rows)-1 || rows[k+1].p != r.p {
			out = append(out, cur)
		}
	}
	return out
}

func (d binData) rocAUC() float64 { return rocAUCSteps(d.steps()) }

func rocAUCSteps(st []step) float64 {
	last := st[len(st)-1]
	if last.tp == 0 || last.fp == 0 {
		return math.NaN()
	}
	var area float64 // trapezoids in (fp, tp) count space
	var prev step
	for _, s := range st {
		area += float64(s.fp-prev.fp) * float64(s.tp+prev.tp) / 2
		prev = s
	}
	return area / (float64(last.tp) * float64(last.fp))
}

func (d binData) averagePrecision() float64 { return averagePrecisionSteps(d.steps()) }

func averagePrecisionSteps(st []step) float64 {
	pos := st[len(st)-1].tp
	if pos == 0 {
		return math.NaN()
	}
	var ap float64
	prevTP := 0
	for _, s := range st {
		precision := float64(s.tp) / float64(s.tp+s.fp)
		ap += float64(s.tp-prevTP) / float64(pos) * precision
		prevTP = s.tp
	}
	return ap
}
