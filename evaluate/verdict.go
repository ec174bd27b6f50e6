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
// metric not measured).
type GateResult struct {
	Gate      string   `json:"gate"` // the gate's name, or its YAML form
	Slice     string   `json:"slice,omitempty"`
	Observed  *float64 `json:"observed"`
	Threshold *float64 `json:"threshold"`
	Pass      bool     `json:"pass"`
	Reason    string   `json:"reason"`
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
		return []GateResult{g.checkCost(cand.Cost, kinds["cost"][0])}
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
		r = g.checkRange(val)
	case kinds["ci"] != nil && cand.CIVsChampion != nil && cand.CIVsChampion.Metric == g.Metric:
		r = g.checkPairedCI(*cand.CIVsChampion, champ)
	case kinds["ci"] != nil:
		r = g.checkCI(cand.CI, champ)
	case kinds["champion"] != nil:
		r = g.checkChange(val, champ, slice, "champion")
	default:
		r = g.checkChange(val, parent, slice, "parent")
	}
	r.Slice = slice
	return r
}

func (g Gate) checkRange(val float64) GateResult {
	r := GateResult{Observed: &val, Pass: true}
	if g.Min != nil && val < *g.Min {
		r.Pass, r.Threshold = false, g.Min
		r.Reason = fmt.Sprintf("%s %.6g is below min %.6g", g.Metric, val, *g.Min)
		return r
	}
	if g.Max != nil && val > *g.Max {
		r.Pass, r.Threshold = false, g.Max
		r.Reason = fmt.Sprintf("%s %.6g is above max %.6g", g.Metric, val, *g.Max)
		return r
	}
	r.Threshold = g.Min
	if r.Threshold == nil {
		r.Threshold = g.Max
	}
	r.Reason = fmt.Sprintf("%s %.6g is within bounds", g.Metric, val)
	return r
}

// checkChange compares val with the reference model's value: the observed
// value is the worsening (a drop for higher-is-better metrics, a rise
// otherwise), absolute or in percent of the reference.
func (g Gate) checkChange(val float64, ref *Result, slice, role string) GateResult {
	refMetrics, ok := metricsOf(ref, slice)
	switch {
	case ref == nil:
		return GateResult{Pass: true, Reason: "no " + role}
	case !ok:
		return GateResult{Pass: true, Reason: fmt.Sprintf("no %s slice %q", role, slice)}
	}
	base, ok := refMetrics[g.Metric]
	if !ok {
		return GateResult{Reason: fmt.Sprintf("%s has no %s", role, g.Metric)}
	}
	key, limit := g.changeLimit()
	worse := val - base
	if higher, _ := HigherIsBetter(g.Metric); higher {
		worse = -worse
	}
	unit := ""
	if strings.HasSuffix(key, "_pct") {
		worse, unit = pctOf(worse, base), "%"
	}
	dir := "drop"
	if strings.Contains(key, "rise") {
		dir = "rise"
	}
	r := GateResult{Observed: &worse, Threshold: &limit, Pass: worse <= limit}
	verb := map[bool]string{true: "<=", false: ">"}[r.Pass]
	r.Reason = fmt.Sprintf("%s %.6g vs %s %.6g: %s %.6g%s %s %.6g%s",
		g.Metric, val, role, base, dir, worse, unit, verb, limit, unit)
	return r
}

// pctOf is worse as a percentage of |base|; any worsening of a zero base is
// +Inf, no change is 0.
func pctOf(worse, base float64) float64 {
	if base == 0 {
		if worse > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return worse / math.Abs(base) * 100
}

// checkCI passes when the candidate's whole bootstrap interval is better than
// the champion's point value.
func (g Gate) checkCI(ci *Interval, champ *Result) GateResult {
	if champ == nil {
		return GateResult{Pass: true, Reason: "no champion"}
	}
	base, ok := champ.Metrics[g.Metric]
	switch {
	case !ok:
		return GateResult{Reason: "champion has no " + g.Metric}
	case ci == nil || ci.Metric != g.Metric:
		return GateResult{Reason: "no bootstrap interval of " + g.Metric + " for the candidate"}
	}
	edge, pass, side := ci.Lo, ci.Lo > base, "lower"
	if higher, _ := HigherIsBetter(g.Metric); !higher {
		edge, pass, side = ci.Hi, ci.Hi < base, "upper"
	}
	r := GateResult{Observed: &edge, Threshold: &base, Pass: pass}
	r.Reason = fmt.Sprintf("%s %g%% interval [%.6g, %.6g], %s end vs champion %.6g: beyond: %t",
		g.Metric, ci.Level*100, ci.Lo, ci.Hi, side, base, pass)
	return r
}

// checkPairedCI passes when the paired interval of candidate − champion
// excludes zero on the better side.
func (g Gate) checkPairedCI(ci Interval, champ *Result) GateResult {
	if champ == nil {
		return GateResult{Pass: true, Reason: "no champion"}
	}
	edge, pass, side := ci.Lo, ci.Lo > 0, "lower"
	if higher, _ := HigherIsBetter(g.Metric); !higher {
		edge, pass, side = ci.Hi, ci.Hi < 0, "upper"
	}
	zero := 0.0
	r := GateResult{Observed: &edge, Threshold: &zero, Pass: pass}
	r.Reason = fmt.Sprintf("%s change vs champion %.6g, paired %g%% interval [%.6g, %.6g], %s end beyond 0: %t",
		g.Metric, ci.Estimate, ci.Level*100, ci.Lo, ci.Hi, side, pass)
	return r
}

func (g Gate) checkCost(c Cost, key string) GateResult {
	observed := map[string]float64{
		"latency_p50_us": c.LatencyP50Us, "latency_p99_us": c.LatencyP99Us,
		"min_rows_per_sec": c.RowsPerSec, "max_bytes": float64(c.Bytes),
		"max_params": float64(c.Params), "max_nonzeros": float64(c.Nonzeros),
	}[key]
	limit := g.costLimit()
	if observed == 0 {
		return GateResult{Threshold: &limit, Reason: strings.TrimPrefix(strings.TrimPrefix(key, "max_"), "min_") + " not measured"}
	}
	pass, verb := observed <= limit, "<="
	if key == "min_rows_per_sec" {
		pass, verb = observed >= limit, ">="
	}
	r := GateResult{Observed: &observed, Threshold: &limit, Pass: pass}
	r.Reason = fmt.Sprintf("%s %.6g, budget %s %.6g", key, observed, verb, limit)
	return r
}
