package evaluate

import "math"

// MaxCurvePoints bounds the points of Curves.ROC and Curves.PR: the
// curves are thinned to about this many thresholds, evenly spaced in
// rank, keeping both ends.
const MaxCurvePoints = 101

// reliabilityBins is the number of equal-width score bins of
// Curves.Reliability, as ECE's.
const reliabilityBins = 10

// Curves are what a report draws for a binary model: the counts behind
// its baselines, the confusion matrix at the threshold, the ROC and
// precision-recall curves and the reliability diagram.
type Curves struct {
	Rows      int       `json:"rows"`
	Positives int       `json:"positives"`
	Threshold float64   `json:"threshold"`
	Confusion Confusion `json:"confusion"`
	// ROC points are (false positive rate, true positive rate) from
	// (0, 0) to (1, 1), one per distinct score, thinned.
	ROC []CurvePoint `json:"roc"`
	// PR points are (recall, precision), one per distinct score, thinned.
	PR []CurvePoint `json:"pr"`
	// Reliability has one bin per tenth of the score range with rows.
	Reliability []ReliabilityBin `json:"reliability"`
}

// CurvePoint is one point of a curve.
type CurvePoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// ReliabilityBin is the rows whose score fell in [Lo, Hi): their mean
// score and the share of them that were positive.
type ReliabilityBin struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Rows      int     `json:"rows"`
	MeanScore float64 `json:"mean_score"`
	Positive  float64 `json:"positive_rate"`
}

// Prevalence is the share of positive rows.
func (c *Curves) Prevalence() float64 {
	if c.Rows == 0 {
		return math.NaN()
	}
	return float64(c.Positives) / float64(c.Rows)
}

// BaselineAccuracy is the accuracy of always predicting the majority
// class: the accuracy a model must beat to have learned anything.
func (c *Curves) BaselineAccuracy() float64 {
	p := c.Prevalence()
	return math.Max(p, 1-p)
}

// BinaryCurves computes the Curves of scores (probabilities of the
// positive class) against labels, at threshold.
func BinaryCurves[L Label](labels []L, scores []float32, threshold float64) (*Curves, error) {
	d, err := newBinData(labels, scores)
	if err != nil {
		return nil, err
	}
	return d.curves(threshold), nil
}

func (d binData) curves(threshold float64) *Curves {
	c := &Curves{Rows: len(d.y), Threshold: threshold, Confusion: d.confusion(threshold)}
	if len(d.y) == 0 {
		return c
	}
	st := d.steps()
	last := st[len(st)-1]
	c.Positives = last.tp
	c.ROC, c.PR = curvePoints(st, last)
	c.Reliability = d.reliability()
	return c
}

// curvePoints thins the steps to at most MaxCurvePoints and converts them
// to ROC and PR points.
func curvePoints(st []step, last step) (roc, pr []CurvePoint) {
	keep := st
	if len(st) > MaxCurvePoints {
		keep = make([]step, 0, MaxCurvePoints)
		for i := range MaxCurvePoints {
			keep = append(keep, st[i*(len(st)-1)/(MaxCurvePoints-1)])
		}
	}
	rate := func(a, b int) float64 {
		if b == 0 {
			return math.NaN()
		}
		return float64(a) / float64(b)
	}
	roc = append(roc, CurvePoint{0, 0})
	for _, s := range keep {
		roc = append(roc, CurvePoint{rate(s.fp, last.fp), rate(s.tp, last.tp)})
		pr = append(pr, CurvePoint{rate(s.tp, last.tp), rate(s.tp, s.tp+s.fp)})
	}
	return roc, pr
}

// reliability bins the scores into tenths (ECE's bins) and returns the
// bins with rows.
func (d binData) reliability() []ReliabilityBin {
	bins := make([]ReliabilityBin, reliabilityBins)
	for i, p := range d.p {
		b := &bins[calibrationBin(p, reliabilityBins)]
		b.Rows++
		b.MeanScore += p
		if d.y[i] {
			b.Positive++
		}
	}
	var out []ReliabilityBin
	for i, b := range bins {
		if b.Rows == 0 {
			continue
		}
		b.Lo, b.Hi = float64(i)/reliabilityBins, float64(i+1)/reliabilityBins
		b.MeanScore /= float64(b.Rows)
		b.Positive /= float64(b.Rows)
		out = append(out, b)
	}
	return out
}

// hanleyMcNeil is the 95% normal interval of an AUC over pos positive and
// neg negative rows, from Hanley and McNeil's standard error (Radiology
// 143(1), 1982, eq. 2), clipped to [0, 1]; nil without both classes.
func hanleyMcNeil(auc float64, pos, neg int, slice string) *Interval {
	if pos == 0 || neg == 0 || math.IsNaN(auc) {
		return nil
	}
	q1, q2 := auc/(2-auc), 2*auc*auc/(1+auc)
	v := (auc*(1-auc) + float64(pos-1)*(q1-auc*auc) + float64(neg-1)*(q2-auc*auc)) / (float64(pos) * float64(neg))
	half := 1.959963984540054 * math.Sqrt(math.Max(v, 0))
	return &Interval{Metric: AUC, Slice: slice, Estimate: auc, Lo: math.Max(auc-half, 0), Hi: math.Min(auc+half, 1), Level: 0.95}
}
