package evaluate

import (
	"fmt"
	"math"
	"strings"
)

// DefaultLatencyFloorUs is the latency below which changes against another
// model are not compared (Gate.FloorUs): at batch 1 a call that short is
// timed in groups, and a difference of a fraction of a microsecond is
// noise, cache state or the timer, not the model.
const DefaultLatencyFloorUs = 1.0

// change is one comparison of the candidate with another model on one
// metric, in the gate's terms.
type change struct {
	g           Gate
	role        Role
	slice       string
	val, base   float64 // candidate's and the other model's values
	limit       float64
	pct, higher bool
}

// worse is the candidate's worsening: a drop for metrics where higher is
// better, a rise otherwise; in percent of base for _pct gates.
func (c change) worse() float64 {
	w := c.val - c.base
	if c.higher {
		w = -w
	}
	if c.pct {
		return pctOf(w, c.base)
	}
	return w
}

func (c change) dir() string {
	if c.higher {
		return "drop"
	}
	return "rise"
}

func (c change) unit() string {
	if c.pct {
		return "%"
	}
	return ""
}

// checkChange compares the candidate with the model in role. With paired
// evidence (Result.Paired) it fails only when the data show the candidate
// worse by more than the limit: when the whole interval of the worsening
// lies above the limit, i.e. its lower end, a one-sided bound at
// (1+Level)/2, exceeds it. Without evidence it compares point values and
// says so. Latency changes are not compared when the candidate is below
// the gate's floor; below it the other model counts as at the floor.
func (g Gate) checkChange(cand *Result, val float64, ref *Result, slice string, role Role) GateResult {
	refMetrics, ok := metricsOf(ref, slice)
	switch {
	case ref == nil:
		return GateResult{Pass: true, Reason: "no " + string(role)}
	case !ok:
		return GateResult{Pass: true, Reason: fmt.Sprintf("no %s slice %q", role, slice)}
	}
	base, ok := refMetrics[g.Metric]
	if !ok {
		return GateResult{Reason: fmt.Sprintf("%s has no %s", role, g.Metric)}
	}
	key, limit := g.changeLimit()
	higher, _ := HigherIsBetter(g.Metric)
	c := change{g: g, role: role, slice: slice, val: val, base: base, limit: limit,
		pct: strings.HasSuffix(key, "_pct"), higher: higher}
	if floor, ok := g.latencyFloor(); ok {
		if val <= floor {
			return GateResult{Pass: true, Threshold: &limit,
				Reason: fmt.Sprintf("%s %.4g µs is below the %g µs floor: not compared with the %s's %.4g µs", g.Metric, val, floor, role, base)}
		}
		c.base = math.Max(base, floor)
	}
	if p, ok := cand.pairedFor(g, role, slice); ok && (!c.pct || p.Pct.Resamples > 0) {
		return c.withInterval(p)
	}
	return c.pointOnly()
}

// withInterval decides on the paired interval of the worsening.
func (c change) withInterval(p Paired) GateResult {
	iv := p.Diff
	if c.pct {
		iv = p.Pct
	}
	giv := gateInterval(&iv, c.higher)
	worse := iv.Estimate
	if c.higher {
		worse = 0 - worse // not −worse: no "-0"
	}
	r := GateResult{Observed: &worse, Interval: giv, Threshold: &c.limit, Pass: !(giv.Lo > c.limit)}
	verdict := "worse beyond the limit"
	switch {
	case giv.Hi <= c.limit:
		verdict = "within the limit"
	case r.Pass:
		verdict = "not shown beyond the limit"
	}
	r.Reason = fmt.Sprintf("%s %s %.4g%s, %s interval %s, vs limit %.4g%s: %s (%s %.6g, %s %.6g)",
		c.g.Metric, c.dir(), worse, c.unit(), levelText(giv.Level), giv, c.limit, c.unit(), verdict,
		c.role, c.base, "candidate", c.val)
	return r
}

// pointOnly compares point values (no interval was measured).
func (c change) pointOnly() GateResult {
	worse := c.worse()
	r := GateResult{Observed: &worse, Threshold: &c.limit, Pass: worse <= c.limit}
	verb := map[bool]string{true: "<=", false: ">"}[r.Pass]
	note := "point values, no interval"
	if isCost(c.g.Metric) && !isTiming(c.g.Metric) {
		note = "exact values"
	}
	r.Reason = fmt.Sprintf("%s %.6g vs %s %.6g: %s %.6g%s %s %.6g%s (%s)",
		c.g.Metric, c.val, c.role, c.base, c.dir(), worse, c.unit(), verb, c.limit, c.unit(), note)
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

// isLatency reports whether metric is a batch-1 latency.
func isLatency(metric string) bool { return metric == CostLatencyP50 || metric == CostLatencyP99 }

// latencyFloor is the floor of a latency change gate (FloorUs, defaulting
// to DefaultLatencyFloorUs); ok is false for other gates.
func (g Gate) latencyFloor() (floor float64, ok bool) {
	if !isLatency(g.Metric) {
		return 0, false
	}
	if g.FloorUs != nil {
		return *g.FloorUs, true
	}
	return DefaultLatencyFloorUs, true
}

// pairedFor finds the candidate's evidence for gate g against role on
// slice; latency evidence must have been measured at the gate's floor.
func (r *Result) pairedFor(g Gate, role Role, slice string) (Paired, bool) {
	floor, latency := g.latencyFloor()
	for _, p := range r.Paired {
		if p.Against == role && p.Metric == g.Metric && p.Slice == slice && (!latency || p.FloorUs == floor) {
			return p, true
		}
	}
	return Paired{}, false
}
