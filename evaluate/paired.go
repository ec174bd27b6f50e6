package evaluate

import (
	"math"
	"slices"
)

// Role is the part a model plays in a promotion decision. Gate reasons
// and Paired.Against name roles by these values.
type Role string

// Roles of the models of a decision: the candidate, and the models it is
// compared with.
const (
	RoleCandidate Role = "candidate"
	RoleParent    Role = "parent" // the float model an optimized candidate came from
	RoleChampion  Role = "champion"
)

// Paired is the evidence for one comparison of the candidate with another
// model (the champion or the float parent) on the same rows: the interval
// of the difference of one metric, overall or on one slice. For model
// metrics the rows are resampled together (a paired bootstrap), so the
// difficulty the rows share cancels out; for latency and throughput the
// resampled units are pairs of timing samples taken one after the other.
type Paired struct {
	Against Role   `json:"against"` // RoleChampion or RoleParent
	Metric  string `json:"metric"`
	Slice   string `json:"slice,omitempty"`
	// FloorUs is the floor latency comparisons were measured at: timing
	// samples below it count as at it (see Gate.FloorUs).
	FloorUs float64 `json:"floor_us,omitempty"`
	// N is the number of resampled units: rows, or timing sample pairs.
	N int `json:"n"`
	// Diff is the interval of candidate − other; Estimate is the
	// difference on all units.
	Diff Interval `json:"diff"`
	// Pct is the interval of (candidate − other) / |other| × 100, the ratio
	// taken in each resample.
	Pct Interval `json:"pct"`
}

// PairedWith returns the evidence for metric on slice ("" for all rows)
// against the model in role, if it was computed.
func (r Result) PairedWith(role Role, metric, slice string) (Paired, bool) {
	for _, p := range r.Paired {
		if p.Against == role && p.Metric == metric && p.Slice == slice {
			return p, true
		}
	}
	return Paired{}, false
}

// pairedBootstrap resamples the same n rows of a and b together and returns
// one Paired per metric (Against and Slice left for the caller). Resamples
// where a metric is undefined for either model are skipped for it.
func pairedBootstrap(a, b resampled, n int, names []string, opts BootstrapOptions) []Paired {
	opts = opts.withDefaults()
	ones := make([]uint8, n)
	for i := range ones {
		ones[i] = 1
	}
	out := make([]Paired, len(names))
	diffs := make([][]float64, len(names))
	pcts := make([][]float64, len(names))
	for k, name := range names {
		va, vb := a.metric(name, ones), b.metric(name, ones)
		out[k] = Paired{Metric: name, N: n,
			Diff: Interval{Metric: name, Estimate: va - vb, Level: opts.Level, Seed: opts.Seed},
			Pct:  Interval{Metric: name, Estimate: relChange(va, vb), Level: opts.Level, Seed: opts.Seed}}
		diffs[k], pcts[k] = make([]float64, 0, opts.Resamples), make([]float64, 0, opts.Resamples)
	}
	resampleCounts(n, opts, func(w []uint8) {
		for k, name := range names {
			va, vb := a.metric(name, w), b.metric(name, w)
			if d := va - vb; !math.IsNaN(d) {
				diffs[k] = append(diffs[k], d)
				pcts[k] = append(pcts[k], relChange(va, vb))
			}
		}
	})
	kept := out[:0]
	for k, p := range out {
		setPercentiles(&p.Diff, diffs[k])
		setPercentiles(&p.Pct, pcts[k])
		if !finite(p.Diff) {
			continue // undefined here (one class, say): no evidence
		}
		if !finite(p.Pct) {
			p.Pct = Interval{Metric: p.Metric} // a change from 0 has no percentage
		}
		kept = append(kept, p)
	}
	return kept
}

// finite reports whether an interval was measured and is finite, so that
// it encodes as JSON.
func finite(iv Interval) bool {
	for _, v := range []float64{iv.Estimate, iv.Lo, iv.Hi} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return iv.Resamples > 0
}

// relChange is (a − b) / |b| × 100; a change from 0 is ±Inf, no change 0.
func relChange(a, b float64) float64 {
	if b == 0 {
		switch {
		case a > 0:
			return math.Inf(1)
		case a < 0:
			return math.Inf(-1)
		}
		return 0
	}
	return (a - b) / math.Abs(b) * 100
}

// setPercentiles sets iv's Lo and Hi to the two-sided percentile interval
// of vals at iv.Level (vals is sorted in place) and Resamples to their count.
func setPercentiles(iv *Interval, vals []float64) {
	slices.Sort(vals)
	alpha := (1 - iv.Level) / 2
	iv.Lo, iv.Hi, iv.Resamples = percentile(vals, alpha), percentile(vals, 1-alpha), len(vals)
}
