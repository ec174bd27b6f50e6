package evaluate

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/refit-ml/refit/internal/yamlstrict"

	"go.yaml.in/yaml/v3"
)

// Policy is a list of promotion gates, decoded from YAML:
//
//	gates:
//	  - {metric: auc, min: 0.65}
//	  - {metric: auc, max_drop_vs_champion: 0.005}
//	  - {metric: logloss, max_rise_vs_champion_pct: 2}
//	  - {metric: auc, per_slice: true, max_drop_vs_champion: 0.02}
//	  - {metric: auc, max_drop_vs_parent: 0.01}
//	  - {metric: auc, beat_champion_beyond_ci: true}
//	  - {latency_p99_us: 100}
//	  - {max_bytes: 1000000}
type Policy struct {
	Gates []Gate `yaml:"gates"`
}

// Gate is one check. Each gate has exactly one kind:
//   - a range: Min and/or Max on Metric;
//   - a change against the champion: one of MaxDropVsChampion(Pct) (metrics
//     where higher is better) or MaxRiseVsChampion(Pct) (lower is better);
//     absolute in the metric's unit, or Pct in percent of the champion's value;
//   - a change against the float parent of an optimized model, likewise;
//   - BeatChampionBeyondCI: the candidate must be better than the champion
//     beyond the interval of the difference;
//   - a cost budget: one of LatencyP50Us, LatencyP99Us, MinRowsPerSec,
//     MaxBytes, MaxParams, MaxNonzeros (no Metric).
//
// PerSlice applies a metric gate to every slice instead of the overall rows.
//
// # How changes are decided
//
// Candidate, champion and parent are evaluated on the same rows, so every
// comparison is paired (Compare measures it, Result.Paired holds it): a
// bootstrap resamples the rows, overall or of one slice, and computes both
// models' metric on each resample, so the interval of the difference
// excludes what the rows have in common. The interval is two-sided at 90%,
// so each end is a one-sided 95% bound. Then:
//
//   - a drop or rise gate fails only when the data show the candidate worse
//     by more than the limit: when the whole interval of the worsening lies
//     above the limit (its lower end exceeds it). A dip of a point estimate
//     on a small slice, with an interval reaching below the limit, passes
//     ("not shown beyond the limit"). Gate simulations with known truth:
//     a 5,000-row slice truly 0.05 AUC worse fails a 0.02 limit 99% of the
//     time, a 900-row slice with no true difference 0.6% (by the point
//     estimate alone: 14%), a slice worse by exactly the limit 5.2%;
//   - beat_champion_beyond_ci passes when the whole interval of the gain
//     lies above 0;
//   - latency and throughput changes compare timing samples taken in turns
//     (MeasureCosts), resampled in pairs. A latency change gate passes
//     without comparing when the candidate's latency is at or below FloorUs
//     (default 1 µs), and values below the floor count as the floor;
//   - size changes (bytes, params, nonzeros) are exact and compare values.
//
// Without evidence (a Result not made by Compare) a change gate compares
// point values and says so in its reason. Ranges and budgets decide on the
// value; the value's own interval, when measured, is shown beside it.
type Gate struct {
	Name     string `yaml:"name,omitempty"`
	Metric   string `yaml:"metric,omitempty"`
	PerSlice bool   `yaml:"per_slice,omitempty"`
	// MinSliceRows skips slices with fewer rows. Defaults to 0 (no slice skipped).
	MinSliceRows int `yaml:"min_slice_rows,omitempty"`

	Min *float64 `yaml:"min,omitempty"`
	Max *float64 `yaml:"max,omitempty"`

	MaxDropVsChampion    *float64 `yaml:"max_drop_vs_champion,omitempty"`
	MaxDropVsChampionPct *float64 `yaml:"max_drop_vs_champion_pct,omitempty"`
	MaxRiseVsChampion    *float64 `yaml:"max_rise_vs_champion,omitempty"`
	MaxRiseVsChampionPct *float64 `yaml:"max_rise_vs_champion_pct,omitempty"`
	MaxDropVsParent      *float64 `yaml:"max_drop_vs_parent,omitempty"`
	MaxDropVsParentPct   *float64 `yaml:"max_drop_vs_parent_pct,omitempty"`
	MaxRiseVsParent      *float64 `yaml:"max_rise_vs_parent,omitempty"`
	MaxRiseVsParentPct   *float64 `yaml:"max_rise_vs_parent_pct,omitempty"`
	BeatChampionBeyondCI bool     `yaml:"beat_champion_beyond_ci,omitempty"`
	// FloorUs is the latency, in µs, below which a latency change gate does
	// not compare: a candidate at or below it passes. Only for latency_p50_us
	// and latency_p99_us against the champion or parent. Defaults to
	// DefaultLatencyFloorUs (1 µs).
	FloorUs *float64 `yaml:"floor_us,omitempty"`

	LatencyP50Us  *float64 `yaml:"latency_p50_us,omitempty"`
	LatencyP99Us  *float64 `yaml:"latency_p99_us,omitempty"`
	MinRowsPerSec *float64 `yaml:"min_rows_per_sec,omitempty"`
	MaxBytes      *int64   `yaml:"max_bytes,omitempty"`
	MaxParams     *int64   `yaml:"max_params,omitempty"`
	MaxNonzeros   *int64   `yaml:"max_nonzeros,omitempty"`

	pos map[string]yamlstrict.Pos // key positions; "" is the gate itself
}

// unnamedPolicy is the file name errors give a policy without one.
const unnamedPolicy = "policy"

// DecodePolicy reads a policy strictly (unknown keys and wrong types are
// errors), then validates it. All problems are reported at once, as a
// joined error of *yamlstrict.Error each naming file, line, column and
// gate ("gate 2") and wrapping ErrInvalidPolicy.
func DecodePolicy(r io.Reader, file string) (*Policy, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("evaluate: read policy %s: %w", file, err)
	}
	var p Policy
	named := file
	if named == "" {
		named = unnamedPolicy
	}
	root, probs, err := yamlstrict.Decode(data, &p, named, ErrInvalidPolicy)
	if errors.Is(err, yamlstrict.ErrEmpty) {
		root = &yaml.Node{}
	}
	if len(probs) > 0 {
		errs := make([]error, len(probs))
		for i, pe := range probs {
			errs[i] = pe
		}
		return nil, errors.Join(errs...)
	}
	p.recordPositions(root, file)
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// recordPositions stores the position of every gate and key.
func (p *Policy) recordPositions(root *yaml.Node, file string) {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "gates" || doc.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for g, item := range doc.Content[i+1].Content {
			if g >= len(p.Gates) {
				break
			}
			pos := map[string]yamlstrict.Pos{"": yamlstrict.NodePos(file, item)}
			for k := 0; k+1 < len(item.Content); k += 2 {
				key := item.Content[k]
				pos[key.Value] = yamlstrict.NodePos(file, key)
			}
			p.Gates[g].pos = pos
		}
	}
}

// at returns the position of key in the gate, or of the gate.
func (g Gate) at(key string) yamlstrict.Pos {
	p, ok := g.pos[key]
	if !ok {
		p = g.pos[""]
	}
	if p.File == "" {
		p.File = unnamedPolicy
	}
	return p
}

// Validate reports every problem of the policy at once (a joined error of
// *yamlstrict.Error wrapping ErrInvalidPolicy), or nil.
func (p *Policy) Validate() error {
	if len(p.Gates) == 0 {
		return yamlstrict.Pos{File: unnamedPolicy}.Errorf(ErrInvalidPolicy, "", "no gates: a policy without gates would pass every model")
	}
	var errs []error
	for i, g := range p.Gates {
		for _, pr := range g.problems() {
			errs = append(errs, g.at(pr.key).Errorf(ErrInvalidPolicy, fmt.Sprintf("gate %d", i+1), "%s", pr.msg))
		}
	}
	return errors.Join(errs...)
}

type problem struct{ key, msg string }

// kinds lists the keys that are set, per kind of gate.
func (g Gate) kinds() map[string][]string {
	set := func(keys ...any) []string {
		var out []string
		for i := 0; i < len(keys); i += 2 {
			if keys[i+1].(bool) {
				out = append(out, keys[i].(string))
			}
		}
		return out
	}
	k := map[string][]string{
		"range": set("min", g.Min != nil, "max", g.Max != nil),
		"champion": set("max_drop_vs_champion", g.MaxDropVsChampion != nil,
			"max_drop_vs_champion_pct", g.MaxDropVsChampionPct != nil,
			"max_rise_vs_champion", g.MaxRiseVsChampion != nil,
			"max_rise_vs_champion_pct", g.MaxRiseVsChampionPct != nil),
		"parent": set("max_drop_vs_parent", g.MaxDropVsParent != nil,
			"max_drop_vs_parent_pct", g.MaxDropVsParentPct != nil,
			"max_rise_vs_parent", g.MaxRiseVsParent != nil,
			"max_rise_vs_parent_pct", g.MaxRiseVsParentPct != nil),
		"ci": set("beat_champion_beyond_ci", g.BeatChampionBeyondCI),
		"cost": set("latency_p50_us", g.LatencyP50Us != nil, "latency_p99_us", g.LatencyP99Us != nil,
			"min_rows_per_sec", g.MinRowsPerSec != nil, "max_bytes", g.MaxBytes != nil,
			"max_params", g.MaxParams != nil, "max_nonzeros", g.MaxNonzeros != nil),
	}
	for name, keys := range k {
		if len(keys) == 0 {
			delete(k, name)
		}
	}
	return k
}

const gateKinds = "min/max, max_drop_vs_champion, max_rise_vs_champion(_pct), " +
	"max_drop/rise_vs_parent(_pct), beat_champion_beyond_ci, latency_p50_us, latency_p99_us, " +
	"min_rows_per_sec, max_bytes, max_params or max_nonzeros"

func (g Gate) problems() []problem {
	kinds := g.kinds()
	var all []string
	for _, keys := range kinds {
		all = append(all, keys...)
	}
	sortStrings(all)
	switch {
	case len(all) == 0:
		return []problem{{"", "no check: set one of " + gateKinds}}
	case len(kinds) > 1 || (len(all) > 1 && kinds["range"] == nil):
		return []problem{{all[0], fmt.Sprintf("one check per gate, found %s; split it into several gates", strings.Join(all, ", "))}}
	}
	if kinds["cost"] != nil {
		return g.costProblems(kinds["cost"][0])
	}
	return g.metricProblems()
}

func (g Gate) costProblems(key string) []problem {
	var out []problem
	if g.Metric != "" {
		out = append(out, problem{"metric", key + " is a cost budget and takes no metric"})
	}
	if g.PerSlice {
		out = append(out, problem{"per_slice", key + " cannot be per slice"})
	}
	if v := g.costLimit(); !(v > 0) {
		out = append(out, problem{key, fmt.Sprintf("%s must be > 0, got %v", key, v)})
	}
	return out
}

func (g Gate) metricProblems() []problem {
	info, known := metrics[g.Metric]
	kinds := g.kinds()
	switch {
	case g.Metric == "":
		return []problem{{"", "metric is required"}}
	case !known:
		return []problem{{"metric", fmt.Sprintf("unknown metric %q; known: %s", g.Metric, strings.Join(sortStrings(mapKeys(metrics)), ", "))}}
	}
	var out []problem
	add := func(key, format string, args ...any) { out = append(out, problem{key, fmt.Sprintf(format, args...)}) }
	if g.Min != nil && g.Max != nil && *g.Min > *g.Max {
		add("min", "min %v is above max %v", *g.Min, *g.Max)
	}
	if g.Min != nil && *g.Min > info.hi {
		add("min", "%s can never reach min %v (at most %v)", g.Metric, *g.Min, info.hi)
	}
	if g.Max != nil && *g.Max < info.lo {
		add("max", "%s can never be below max %v (at least %v)", g.Metric, *g.Max, info.lo)
	}
	for key, v := range g.changeLimits() {
		higher := strings.Contains(key, "drop")
		switch {
		case higher && !info.higherIsBetter:
			add(key, "lower %s is better: use %s", g.Metric, strings.Replace(key, "drop", "rise", 1))
		case !higher && info.higherIsBetter:
			add(key, "higher %s is better: use %s", g.Metric, strings.Replace(key, "rise", "drop", 1))
		}
		if !(v >= 0) || math.IsInf(v, 0) {
			add(key, "%s must be a finite number >= 0, got %v", key, v)
		}
	}
	if isCost(g.Metric) && (g.PerSlice || g.BeatChampionBeyondCI) {
		add("metric", "%s is a cost of the whole model: no per_slice or beat_champion_beyond_ci", g.Metric)
	}
	if g.BeatChampionBeyondCI && g.PerSlice {
		add("per_slice", "beat_champion_beyond_ci uses the overall bootstrap interval and cannot be per slice")
	}
	if g.FloorUs != nil && (!isLatency(g.Metric) || (kinds["champion"] == nil && kinds["parent"] == nil)) {
		add("floor_us", "floor_us applies to latency_p50_us and latency_p99_us changes against the champion or parent")
	}
	if g.FloorUs != nil && !(*g.FloorUs >= 0 && !math.IsInf(*g.FloorUs, 0)) {
		add("floor_us", "floor_us must be a finite number >= 0, got %v", *g.FloorUs)
	}
	if g.MinSliceRows < 0 || (g.MinSliceRows > 0 && !g.PerSlice) {
		add("min_slice_rows", "min_slice_rows must be >= 0 and needs per_slice: true")
	}
	return out
}

// changeLimits returns the set champion/parent change keys and values.
func (g Gate) changeLimits() map[string]float64 {
	out := map[string]float64{}
	for key, p := range map[string]*float64{
		"max_drop_vs_champion": g.MaxDropVsChampion, "max_drop_vs_champion_pct": g.MaxDropVsChampionPct,
		"max_rise_vs_champion": g.MaxRiseVsChampion, "max_rise_vs_champion_pct": g.MaxRiseVsChampionPct,
		"max_drop_vs_parent": g.MaxDropVsParent, "max_drop_vs_parent_pct": g.MaxDropVsParentPct,
		"max_rise_vs_parent": g.MaxRiseVsParent, "max_rise_vs_parent_pct": g.MaxRiseVsParentPct,
	} {
		if p != nil {
			out[key] = *p
		}
	}
	return out
}

// changeLimit returns the key and value of the gate's one change limit
// (a valid champion or parent gate has exactly one).
func (g Gate) changeLimit() (string, float64) {
	for key, v := range g.changeLimits() {
		return key, v
	}
	return "", math.NaN()
}

// costLimit returns the one cost budget that is set.
func (g Gate) costLimit() float64 {
	for _, p := range []*float64{g.LatencyP50Us, g.LatencyP99Us, g.MinRowsPerSec} {
		if p != nil {
			return *p
		}
	}
	for _, p := range []*int64{g.MaxBytes, g.MaxParams, g.MaxNonzeros} {
		if p != nil {
			return float64(*p)
		}
	}
	return math.NaN()
}
