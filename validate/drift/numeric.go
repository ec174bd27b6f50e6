package drift

import (
	"fmt"
	"math"
	"time"

	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/profile"
)

// Numeric holds the distribution distances of a numeric or temporal
// column, computed from the two columns' sorted views: exact while both
// columns have at most Options.ExactLimit distinct values (their value
// counts are kept) or a sketch holds fewer than 4·K values, within the
// stated error bounds beyond. Values of
// temporal columns (Wasserstein, moments, bin edges) are in the reference
// column's raw unit, named by Unit; current values of another unit are
// converted to it (see [Compare]).
type Numeric struct {
	// Unit is the raw unit of the temporal reference column's values:
	// "s", "ms", "us" or "ns" (timestamps, times, durations; "ms" for
	// date64), "d" (days, date32). Empty for numeric columns.
	Unit string `json:"unit,omitempty"`
	// KS is the Kolmogorov–Smirnov statistic sup |F_ref − F_cur|, evaluated
	// at every value either sketch retains.
	KS float64 `json:"ks"`
	// Exact reports whether both distributions are exact, and so every
	// distance here. When not, KSError and WassersteinError bound the
	// error of KS and Wasserstein (at 99 % confidence): the sketches'
	// rank errors ε_ref + ε_cur for KS, and ε_ref·(max_ref − min_ref) +
	// ε_cur·(max_cur − min_cur) for Wasserstein, since each CDF is off by
	// at most its ε over its range. RankError is the larger ε.
	Exact            bool    `json:"exact"`
	RankError        float64 `json:"rank_error,omitempty"`
	KSError          float64 `json:"ks_error,omitempty"`
	WassersteinError float64 `json:"wasserstein_error,omitempty"`
	// KSPValue is the asymptotic two-sided p-value P(K > √n_eff·KS) of the
	// Kolmogorov distribution, with n_eff = n·m/(n+m); nil when n_eff is
	// above Options.PValueMaxN.
	KSPValue   *float64 `json:"ks_p_value,omitempty"`
	EffectiveN float64  `json:"effective_n"`
	// Wasserstein is the Wasserstein-1 distance ∫ |F_ref − F_cur| dx, in
	// the column's unit: for temporal columns the raw Unit, as before Unit
	// existed. [Feature.WassersteinText] formats it for people.
	Wasserstein float64 `json:"wasserstein"`
	// WassersteinSeconds is Wasserstein in seconds, for temporal columns
	// only; nil when a side has no values.
	WassersteinSeconds *float64 `json:"wasserstein_seconds,omitempty"`
	// MeanShift and StdShift are (mean_cur − mean_ref)/std_ref and
	// (std_cur − std_ref)/std_ref; nil when the reference std is 0.
	MeanShift *float64      `json:"mean_shift,omitempty"`
	StdShift  *float64      `json:"std_shift,omitempty"`
	Reference MomentSummary `json:"reference"`
	Current   MomentSummary `json:"current"`
	// Bins are the PSI bins: Edges are the reference's interior quantiles
	// at i/Bins (repeated edges merged); bin j is (Edges[j-1], Edges[j]],
	// the first starting at −∞ and the last ending at +∞.
	Bins BinShares `json:"bins"`
	// Histogram has bins over the range of both sides, for plotting the
	// two distributions overlaid: bin j is (Edges[j], Edges[j+1]], the
	// first including Edges[0]. Its Scale says how the edges were chosen:
	// equal-width, or for skewed columns log bins or tail bins (below the
	// smaller 1st and above the larger 99th percentile of the two sides;
	// log bins when the smaller median is in the range's lowest twentieth),
	// as stats.ReadableEdges.
	Histogram BinShares `json:"histogram"`
}

// MomentSummary is the count, mean and standard deviation of finite values.
type MomentSummary struct {
	Count int64   `json:"count"`
	Mean  float64 `json:"mean"`
	Std   float64 `json:"std"`
}

// BinShares are the reference and current shares of the same bins.
type BinShares struct {
	Edges     []float64 `json:"edges"`
	Reference []float64 `json:"reference"`
	Current   []float64 `json:"current"`
	// Scale is the histogram's stats.Scale* (empty for PSI bins).
	Scale string `json:"scale,omitempty"`
}

// numericDrift fills f's PSI and JS and returns the numeric distances.
func numericDrift(f *Feature, rc, cc *profile.Column, o Options) *Numeric {
	d := &Numeric{}
	var unit time.Duration
	conv := func(v float64) float64 { return v } // current values to the reference's unit
	converted := false
	if rc.Kind == profile.KindTemporal {
		d.Unit, unit, _ = TimeUnit(rc.Type.String())
		if name, cu, _ := TimeUnit(cc.Type.String()); cu != unit {
			conv = func(v float64) float64 { return convertTimeUnit(v, cu, unit) }
			converted = true
			f.Notes = append(f.Notes, fmt.Sprintf("current type %s: values converted from %s to the reference's %s",
				cc.Type, name, d.Unit))
		}
	}
	rm, cm := rc.Moments, cc.Moments
	d.Reference = MomentSummary{rm.Count, rm.Mean, rm.StdDev()}
	d.Current = MomentSummary{cm.Count, conv(cm.Mean), conv(cm.StdDev())}
	if rc.Quantiles.N == 0 || cc.Quantiles.N == 0 {
		if rc.Quantiles.N != cc.Quantiles.N {
			f.Verdict = validate.VerdictAlert
			f.Notes = append(f.Notes, "no finite values on one side")
		}
		return d
	}
	rv, cv := rc.SortedView(), cc.SortedView()
	if converted {
		cv = cv.Rescaled(conv)
	}
	d.Bins = psiBins(rv, cv, o.Bins)
	f.PSI = psi(d.Bins.Reference, d.Bins.Current)
	f.JS = jensenShannon(d.Bins.Reference, d.Bins.Current)
	d.KS, d.Wasserstein = stats.CDFDistances(rv, cv)
	d.Exact = rv.Exact() && cv.Exact()
	d.RankError = max(rv.RankError, cv.RankError)
	d.KSError = rv.RankError + cv.RankError
	d.WassersteinError = rv.RankError*(rv.Max-rv.Min) + cv.RankError*(cv.Max-cv.Min)
	if unit > 0 {
		sec := d.Wasserstein * float64(unit) / float64(time.Second)
		d.WassersteinSeconds = &sec
	}
	n, m := float64(rv.N), float64(cv.N)
	d.EffectiveN = n * m / (n + m)
	if d.EffectiveN <= o.PValueMaxN {
		p := kolmogorovSF(math.Sqrt(d.EffectiveN) * d.KS)
		d.KSPValue = &p
	}
	if s := d.Reference.Std; s > 0 {
		ms := (d.Current.Mean - d.Reference.Mean) / s
		ss := (d.Current.Std - s) / s
		d.MeanShift, d.StdShift = &ms, &ss
	}
	d.Histogram = overlayHistogram(rv, cv, o.HistogramBins)
	// Nothing above keeps the views' slices: the next column reuses them.
	rv.Release()
	cv.Release()
	return d
}

// psiBins returns the reference's quantile bins and both sides' shares.
func psiBins(rv, cv stats.SortedView, bins int) BinShares {
	var edges []float64
	for i := 1; i < bins; i++ {
		e := rv.Quantile(float64(i) / float64(bins))
		if len(edges) == 0 || e > edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	return BinShares{Edges: edges, Reference: openBinShares(rv, edges), Current: openBinShares(cv, edges)}
}

// openBinShares returns the shares of (−∞, e0], (e0, e1], …, (e_last, +∞).
func openBinShares(v stats.SortedView, edges []float64) []float64 {
	out := make([]float64, len(edges)+1)
	var prev int64
	for i, e := range edges {
		r := v.Rank(e)
		out[i] = float64(r-prev) / float64(v.N)
		prev = r
	}
	out[len(edges)] = float64(v.N-prev) / float64(v.N)
	return out
}

// overlayHistogram returns readable bins over both sides' range.
func overlayHistogram(rv, cv stats.SortedView, bins int) BinShares {
	lo, hi := min(rv.Min, cv.Min), max(rv.Max, cv.Max)
	p1 := min(rv.Quantile(0.01), cv.Quantile(0.01))
	p99 := max(rv.Quantile(0.99), cv.Quantile(0.99))
	p50 := min(rv.Quantile(0.5), cv.Quantile(0.5))
	edges, scale := stats.ReadableEdges(lo, hi, p1, p50, p99, bins)
	return BinShares{Edges: edges, Reference: closedBinShares(rv, edges),
		Current: closedBinShares(cv, edges), Scale: scale}
}

// closedBinShares returns the shares of [e0, e1], (e1, e2], …
func closedBinShares(v stats.SortedView, edges []float64) []float64 {
	out := make([]float64, len(edges)-1)
	var prev int64
	for i := range out {
		r := v.Rank(edges[i+1])
		out[i] = float64(r-prev) / float64(v.N)
		prev = r
	}
	return out
}
