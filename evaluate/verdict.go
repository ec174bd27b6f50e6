package evaluate

import (
	"fmt"
	"maps"
	"math"
	"strings"
)

// Verdict is the outcome of a policy: every gate's result, never stopping at
// the first failure.
type Verdict struct {
	Pass   bool         `json:"pass"`
	Checks []GateResult `json:"checks"`
}

// Failed returns the failing checks.
func (v Verdict) Failed() []GateResult {
	var out []GateResult
	for _, c := range v.Checks {
		if !c.Pass {
			out = append(out, c)
		}
	}
	return out
}

// GateResult is one gate's check (per slice for per_slice gates). Observed
// and Threshold are nil when there was nothing to compare (no champion, a
// metric not measured). Observed is in the gate's terms: the metric for a
// range, the worsening (drop or rise, absolute or in percent) for a change
// against another model, the gain over the champion for
// beat_champion_beyond_ci.
type GateResult struct {
	Gate     string   `json:"gate"` // the gate's name, or its YAML form
	Slice    string   `json:"slice,omitempty"`
	Observed *float64 `json:"observed"`
	// Interval is Observed's bootstrap interval, when one was measured.
	Interval  *GateInterval `json:"interval,omitempty"`
	Threshold *float64      `json:"threshold"`
	Pass      bool          `json:"pass"`
	Reason    string        `json:"reason"`
}

// GateInterval is the interval of a gate's observed value at a two-sided
// Level; each end is a one-sided bound at (1+Level)/2.
type GateInterval struct {
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	Level float64 `json:"level"`
}

// String is "[lo, hi]", or "-" for no interval.
func (iv *GateInterval) String() string {
	if iv == nil {
		return "-"
	}
	return fmt.Sprintf("[%.4g, %.4g]", iv.Lo, iv.Hi)
}

// Check runs every gate of the policy on the candidate. champion and parent
// may be nil: gates relative to a missing model pass with the reason
// "no champion" (or "no parent"). The policy should be valid (Validate).
func (p *Policy) Check(candidate Result, champion, parent *Result) Verdict {
	v := Verdict{Pass: true}
	for _, g := range p.Gates {
		for _, r := range g.check(candidate, champion, parent) {
			r.Gate = g.String()
			v.Pass = v.Pass && r.Pass
			v.Checks = append(v.Checks, r)
		}
	}
	return v
}

// String is the gate's name, or its YAML flow form.
func (g Gate) String() string {
	if g.Name != "" {
		return g.Name
	}
	var parts []string
	if g.Metric != "" {
		parts = append(parts, "metric: "+g.Metric)
	}
	if g.PerSlice {
		parts = append(parts, "per_slice: true")
	}
	for _, keys := range g.kinds() {
		for _, k := range keys {
			parts = append(parts, k+": "+g.value(k))
		}
	}
	if g.FloorUs != nil {
		parts = append(parts, fmt.Sprintf("floor_us: %g", *g.FloorUs))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func (g Gate) value(key string) string {
	switch key {
	case "min":
		return fmt.Sprint(*g.Min)
	case "max":
		return fmt.Sprint(*g.Max)
	case "beat_champion_beyond_ci":
		return "true"
	}
	if v, ok := g.changeLimits()[key]; ok {
		return fmt.Sprint(v)
	}
	return fmt.Sprint(g.costLimit())
}

// metricsOf picks the overall or one slice's metrics of a model; ok is false
// when the model is nil or lacks the slice.
func metricsOf(r *Result, slice string) (map[string]float64, bool) {
	if r == nil {
		return nil, false
	}
	if slice == "" {
		all := r.Cost.Metrics()
		maps.Copy(all, r.Metrics)
		return all, true
	}
	s, ok := r.Slice(slice)
	return s.Metrics, ok
}

func (g Gate) check(cand Result, champ, parent *Result) []GateResult {
	if kinds := g.kinds(); kinds["cost"] != nil {
		return []GateResult{g.checkCost(cand, kinds["cost"][0])}
	}
	if !g.PerSlice {
		return []GateResult{g.checkMetric(&cand, champ, parent, "")}
	}
	var out []GateResult
	for _, s := range cand.Slices {
		if s.Rows >= g.MinSliceRows {
			out = append(out, g.checkMetric(&cand, champ, parent, s.Name))
		}
	}
	if len(out) == 0 {
		out = append(out, GateResult{Reason: "no slices measured"})
	}
	return out
}

func (g Gate) checkMetric(cand, champ, parent *Result, slice string) GateResult {
	cm, _ := metricsOf(cand, slice)
	val, ok := cm[g.Metric]
	if !ok {
		return GateResult{Slice: slice, Reason: g.Metric + " not measured (undefined or missing)"}
	}
	kinds := g.kinds()
	var r GateResult
	switch {
	case kinds["range"] != nil:
		r = g.checkRange(val, cand.IntervalOf(g.Metric, slice))
	case kinds["ci"] != nil:
		r = g.checkBeyondCI(cand, champ)
	case kinds["champion"] != nil:
		r = g.checkChange(cand, val, champ, slice, RoleChampion)
	default:
		r = g.checkChange(cand, val, parent, slice, RoleParent)
	}
	r.Slice = slice
	return r
}

// checkRange decides on the point value; the candidate's own interval, if
// measured, is shown beside it.
func (g Gate) checkRange(val float64, iv *Interval) GateResult {
	r := GateResult{Observed: &val, Interval: gateInterval(iv, false), Pass: true}
	shown := fmt.Sprintf("%s %.6g", g.Metric, val)
	if iv != nil {
		shown += " " + r.Interval.String()
	}
	if g.Min != nil && val < *g.Min {
		r.Pass, r.Threshold = false, g.Min
		r.Reason = fmt.Sprintf("%s is below min %.6g", shown, *g.Min)
		return r
	}
	if g.Max != nil && val > *g.Max {
		r.Pass, r.Threshold = false, g.Max
		r.Reason = fmt.Sprintf("%s is above max %.6g", shown, *g.Max)
		return r
	}
	r.Threshold = g.Min
	if r.Threshold == nil {
		r.Threshold = g.Max
	}
	r.Reason = shown + " is within bounds"
	return r
}

// gateInterval converts a bootstrap interval, negated (ends swapped) when
// neg is set.
func gateInterval(iv *Interval, neg bool) *GateInterval {
	if iv == nil {
		return nil
	}
	if neg { // 0 − x, not −x: no "-0" in reasons
		return &GateInterval{Lo: 0 - iv.Hi, Hi: 0 - iv.Lo, Level: iv.Level}
	}
	return &GateInterval{Lo: iv.Lo, Hi: iv.Hi, Level: iv.Level}
}

// checkBeyondCI passes when the paired interval of the candidate's gain
// over the champion lies entirely above 0. Without a paired interval it
// falls back to the candidate's own interval against the champion's value.
func (g Gate) checkBeyondCI(cand, champ *Result) GateResult {
	if champ == nil {
		return GateResult{Pass: true, Reason: "no champion"}
	}
	p, ok := cand.PairedWith(RoleChampion, g.Metric, "")
	if !ok {
		return g.checkCI(cand.CI, champ)
	}
	higher, _ := HigherIsBetter(g.Metric)
	gain := p.Diff.Estimate
	if !higher {
		gain = 0 - gain
	}
	zero := 0.0
	iv := gateInterval(&p.Diff, !higher)
	r := GateResult{Observed: &gain, Interval: iv, Threshold: &zero, Pass: iv.Lo > 0}
	verdict := "not shown better"
	if r.Pass {
		verdict = "better beyond the interval"
	}
	r.Reason = fmt.Sprintf("%s gain vs champion %.4g, %s interval %s, vs 0: %s",
		g.Metric, gain, levelText(iv.Level), iv, verdict)
	return r
}

// checkCI passes when the candidate's whole bootstrap interval is better than
// the champion's point value.
func (g Gate) checkCI(ci *Interval, champ *Result) GateResult {
	base, ok := champ.Metrics[g.Metric]
	switch {
	case !ok:
		return GateResult{Reason: "champion has no " + g.Metric}
	case ci == nil || ci.Metric != g.Metric:
		return GateResult{Reason: "no paired interval of " + g.Metric + " against the champion"}
	}
	edge, pass, side := ci.Lo, ci.Lo > base, "lower"
	if higher, _ := HigherIsBetter(g.Metric); !higher {
		edge, pass, side = ci.Hi, ci.Hi < base, "upper"
	}
	r := GateResult{Observed: &edge, Interval: gateInterval(ci, false), Threshold: &base, Pass: pass}
	r.Reason = fmt.Sprintf("%s %s interval [%.6g, %.6g] (unpaired), %s end vs champion %.6g: beyond: %t",
		g.Metric, levelText(ci.Level), ci.Lo, ci.Hi, side, base, pass)
	return r
}

// levelText is a level as a percentage, "90%".
func levelText(level float64) string { return fmt.Sprintf("%g%%", math.Round(level*1000)/10) }

// checkCost checks a budget on the point value, with the candidate's own
// interval (timings) beside it.
func (g Gate) checkCost(cand Result, key string) GateResult {
	c := cand.Cost
	metric := map[string]string{"latency_p50_us": CostLatencyP50, "latency_p99_us": CostLatencyP99,
		"min_rows_per_sec": CostRowsPerSec, "max_bytes": CostBytes, "max_params": CostParams,
		"max_nonzeros": CostNonzeros}[key]
	observed := c.Metrics()[metric]
	limit := g.costLimit()
	if observed == 0 {
		return GateResult{Threshold: &limit, Reason: metric + " not measured"}
	}
	pass, verb := observed <= limit, "<="
	if key == "min_rows_per_sec" {
		pass, verb = observed >= limit, ">="
	}
	iv := cand.IntervalOf(metric, "")
	r := GateResult{Observed: &observed, Interval: gateInterval(iv, false), Threshold: &limit, Pass: pass}
	shown := fmt.Sprintf("%s %.6g", key, observed)
	if iv != nil {
		shown += " " + r.Interval.String()
	}
	r.Reason = fmt.Sprintf("%s, budget %s %.6g", shown, verb, limit)
	return r
}
