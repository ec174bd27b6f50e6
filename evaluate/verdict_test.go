package evaluate

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func mustPolicy(t *testing.T, yml string) *Policy {
	t.Helper()
	p, err := DecodePolicy(strings.NewReader(yml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func resultOf(auc, logloss float64) Result {
	return Result{Model: "m", Task: TaskBinary, Rows: 1000,
		Metrics: map[string]float64{AUC: auc, LogLoss: logloss},
		Slices: []SliceResult{
			{Name: "long_haul", Rows: 300, Metrics: map[string]float64{AUC: auc - 0.05}},
			{Name: "red_eye", Rows: 20, Metrics: map[string]float64{AUC: auc - 0.2}},
		},
		Cost: Cost{Bytes: 5000, LatencyP99Us: 80, RowsPerSec: 1e6}}
}

func TestCheckGates(t *testing.T) {
	cand := resultOf(0.80, 0.40)
	cand.CI = &Interval{Metric: AUC, Lo: 0.79, Hi: 0.81, Level: 0.95}

	champ := resultOf(0.81, 0.39)
	worseChamp := resultOf(0.70, 0.50)
	parent := resultOf(0.805, 0.40)
	for _, tc := range []struct {
		name   string
		gate   string
		champ  *Result
		parent *Result
		pass   []bool // one per check (per slice for per_slice gates)
		reason string // substring of the first check's reason
	}{
		{"min pass", "{metric: auc, min: 0.65}", nil, nil, []bool{true}, "within bounds"},
		{"min fail", "{metric: auc, min: 0.85}", nil, nil, []bool{false}, "below min 0.85"},
		{"max fail", "{metric: logloss, max: 0.3}", nil, nil, []bool{false}, "above max 0.3"},
		{"drop within", "{metric: auc, max_drop_vs_champion: 0.02}", &champ, nil, []bool{true}, "drop 0.01 <= 0.02"},
		{"drop beyond", "{metric: auc, max_drop_vs_champion: 0.005}", &champ, nil, []bool{false}, "drop 0.01 > 0.005"},
		{"improvement", "{metric: auc, max_drop_vs_champion: 0}", &worseChamp, nil, []bool{true}, "drop -0.1"},
		{"no champion", "{metric: auc, max_drop_vs_champion: 0}", nil, nil, []bool{true}, "no champion"},
		{"rise pct beyond", "{metric: logloss, max_rise_vs_champion_pct: 2}", &champ, nil, []bool{false}, "rise 2.5641"},
		{"rise pct within", "{metric: logloss, max_rise_vs_champion_pct: 3}", &champ, nil, []bool{true}, "%"},
		{"per slice", "{metric: auc, per_slice: true, max_drop_vs_champion: 0.005}", &champ, nil, []bool{false, false}, "long_haul"},
		{"per slice min rows", "{metric: auc, per_slice: true, min_slice_rows: 100, min: 0.7}", nil, nil, []bool{true}, "within"},
		{"per slice no champion", "{metric: auc, per_slice: true, max_drop_vs_champion: 0}", nil, nil, []bool{true, true}, "no champion"},
		{"parent", "{metric: auc, max_drop_vs_parent: 0.01}", nil, &parent, []bool{true}, "vs parent"},
		{"parent beyond", "{metric: auc, max_drop_vs_parent: 0.001}", nil, &parent, []bool{false}, "drop 0.005"},
		{"no parent", "{metric: auc, max_drop_vs_parent: 0.001}", nil, nil, []bool{true}, "no parent"},
		{"beyond ci", "{metric: auc, beat_champion_beyond_ci: true}", &worseChamp, nil, []bool{true}, "lower end"},
		{"within ci", "{metric: auc, beat_champion_beyond_ci: true}", &champ, nil, []bool{false}, "beyond: false"},
		{"ci no champion", "{metric: auc, beat_champion_beyond_ci: true}", nil, nil, []bool{true}, "no champion"},
		{"latency", "{latency_p99_us: 100}", nil, nil, []bool{true}, "latency_p99_us 80"},
		{"latency over", "{latency_p99_us: 50}", nil, nil, []bool{false}, "budget <= 50"},
		{"latency not measured", "{latency_p50_us: 50}", nil, nil, []bool{false}, "not measured"},
		{"bytes", "{max_bytes: 1000000}", nil, nil, []bool{true}, "max_bytes 5000"},
		{"throughput", "{min_rows_per_sec: 2000000}", nil, nil, []bool{false}, ">= 2e+06"},
		{"metric missing", "{metric: f1, min: 0.5}", nil, nil, []bool{false}, "f1 not measured"},
		{"champion lacks metric", "{metric: pr_auc, max_drop_vs_champion: 0.1}", &champ, nil, []bool{false}, "not measured"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPolicy(t, "gates: ["+tc.gate+"]")
			v := p.Check(cand, tc.champ, tc.parent)
			if len(v.Checks) != len(tc.pass) {
				t.Fatalf("%d checks, want %d: %+v", len(v.Checks), len(tc.pass), v.Checks)
			}
			all := true
			for i, c := range v.Checks {
				all = all && c.Pass
				if c.Pass != tc.pass[i] {
					t.Errorf("check %d pass = %v, want %v: %s", i, c.Pass, tc.pass[i], c.Reason)
				}
			}
			if v.Pass != all {
				t.Errorf("verdict pass = %v, checks say %v", v.Pass, all)
			}
			if got := v.Checks[0].Slice + " " + v.Checks[0].Reason; !strings.Contains(got, tc.reason) {
				t.Errorf("reason %q does not contain %q", got, tc.reason)
			}
			if _, err := json.Marshal(v); err != nil {
				t.Errorf("verdict is not JSON-encodable: %v", err)
			}
		})
	}
}

func TestCheckEvaluatesEveryGate(t *testing.T) {
	p := mustPolicy(t, `gates:
  - {metric: auc, min: 0.9}
  - {latency_p99_us: 10}
  - {metric: auc, min: 0.5}
  - {name: small, max_bytes: 100}
`)
	v := p.Check(resultOf(0.8, 0.4), nil, nil)
	if v.Pass || len(v.Checks) != 4 || len(v.Failed()) != 3 {
		t.Fatalf("verdict %+v", v)
	}
	if v.Checks[3].Gate != "small" || v.Checks[0].Gate != "{metric: auc, min: 0.9}" {
		t.Errorf("gate labels %q, %q", v.Checks[0].Gate, v.Checks[3].Gate)
	}
}

func TestCheckPairedInterval(t *testing.T) {
	p := mustPolicy(t, "gates: [{metric: auc, beat_champion_beyond_ci: true}, {metric: logloss, beat_champion_beyond_ci: true}]")
	cand := resultOf(0.80, 0.40)
	cand.CI = &Interval{Metric: AUC, Lo: 0.79, Hi: 0.81, Level: 0.95} // overlaps the champion's 0.795
	champ := resultOf(0.795, 0.41)
	for _, tc := range []struct {
		name   string
		paired *Interval
		pass   bool
	}{
		{"unpaired overlap fails", nil, false},
		{"paired above zero", &Interval{Metric: AUC, Estimate: 0.005, Lo: 0.001, Hi: 0.009, Level: 0.95}, true},
		{"paired straddles zero", &Interval{Metric: AUC, Estimate: 0.005, Lo: -0.001, Hi: 0.011, Level: 0.95}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cand
			if tc.paired != nil {
				c.Paired = []Paired{{Against: RoleChampion, Metric: AUC, Diff: *tc.paired}}
			}
			got := p.Check(c, &champ, nil).Checks[0]
			if got.Pass != tc.pass {
				t.Fatalf("pass = %v, want %v: %s", got.Pass, tc.pass, got.Reason)
			}
		})
	}
	// logloss (lower is better) with an interval below zero passes.
	c := cand
	c.Paired = []Paired{{Against: RoleChampion, Metric: LogLoss, Diff: Interval{Metric: LogLoss, Estimate: -0.01, Lo: -0.02, Hi: -0.001, Level: 0.95}}}
	if got := p.Check(c, &champ, nil).Checks[1]; !got.Pass || !strings.Contains(got.Reason, "gain vs champion 0.01") || got.Interval.Lo != 0.001 {
		t.Fatalf("logloss paired: %+v", got)
	}
}

// TestCheckChangeWithInterval: with paired evidence a change gate fails
// only when the whole interval of the worsening lies beyond the limit.
func TestCheckChangeWithInterval(t *testing.T) {
	cand, champ := resultOf(0.70, 0.40), resultOf(0.725, 0.39)
	paired := func(against Role, metric, slice string, est, lo, hi float64) Paired {
		iv := Interval{Metric: metric, Estimate: est, Lo: lo, Hi: hi, Level: 0.9, Resamples: 1000}
		pct := Interval{Metric: metric, Estimate: est * 100, Lo: lo * 100, Hi: hi * 100, Level: 0.9, Resamples: 1000}
		return Paired{Against: against, Metric: metric, Slice: slice, N: 1000, Diff: iv, Pct: pct}
	}
	for _, tc := range []struct {
		name     string
		gate     string
		evidence Paired
		pass     bool
		reason   string
		lo, hi   float64 // interval of the worsening
	}{
		// The hawaii_alaska case: a 0.025 drop on a small slice whose
		// interval reaches below the limit passes.
		{"small slice dip", "{metric: auc, max_drop_vs_champion: 0.02}",
			paired(RoleChampion, AUC, "", -0.025, -0.061, 0.012), true,
			"auc drop 0.025, 90% interval [-0.012, 0.061], vs limit 0.02: not shown beyond the limit", -0.012, 0.061},
		{"shown beyond", "{metric: auc, max_drop_vs_champion: 0.02}",
			paired(RoleChampion, AUC, "", -0.05, -0.065, -0.035), false, "worse beyond the limit", 0.035, 0.065},
		{"within", "{metric: auc, max_drop_vs_champion: 0.02}",
			paired(RoleChampion, AUC, "", 0.01, 0.0, 0.02), true, "within the limit", -0.02, 0},
		{"rise pct", "{metric: logloss, max_rise_vs_champion_pct: 2}",
			paired(RoleChampion, LogLoss, "", 0.03, 0.025, 0.035), false, "logloss rise 3%", 2.5, 3.5},
		{"parent", "{metric: auc, max_drop_vs_parent: 0.01}",
			paired(RoleParent, AUC, "", -0.012, -0.02, -0.004), true, "vs limit 0.01: not shown", 0.004, 0.02},
		{"other role's evidence unused", "{metric: auc, max_drop_vs_champion: 0.03}",
			paired(RoleParent, AUC, "", -0.05, -0.06, -0.04), true, "point values, no interval", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cand
			c.Paired = []Paired{tc.evidence}
			got := mustPolicy(t, "gates: ["+tc.gate+"]").Check(c, &champ, &champ).Checks[0]
			if got.Pass != tc.pass || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("pass %v, %q; want %v, %q", got.Pass, got.Reason, tc.pass, tc.reason)
			}
			if tc.lo != tc.hi && (got.Interval == nil || math.Abs(got.Interval.Lo-tc.lo) > 1e-12 || math.Abs(got.Interval.Hi-tc.hi) > 1e-12) {
				t.Errorf("interval %+v, want [%v, %v]", got.Interval, tc.lo, tc.hi)
			}
		})
	}
}

// TestCheckLatencyFloor: latency changes below the floor are not compared;
// above it the evidence measured at the gate's floor decides.
func TestCheckLatencyFloor(t *testing.T) {
	champ := resultOf(0.8, 0.4)
	champ.Cost.LatencyP99Us = 0.3
	fast, slow := resultOf(0.8, 0.4), resultOf(0.8, 0.4)
	fast.Cost.LatencyP99Us, slow.Cost.LatencyP99Us = 0.9, 4.4
	// Timing evidence at the default 1 µs floor: the champion counts as 1 µs.
	slow.Paired = []Paired{{Against: RoleChampion, Metric: CostLatencyP99, FloorUs: 1, N: 400,
		Pct: Interval{Estimate: 340, Lo: 300, Hi: 380, Level: 0.9, Resamples: 1000}}}
	for _, tc := range []struct {
		name, gate string
		cand       Result
		pass       bool
		reason     string
	}{
		{"below the floor", "{metric: latency_p99_us, max_rise_vs_champion_pct: 20}", fast, true, "below the 1 µs floor"},
		{"raised floor", "{metric: latency_p99_us, max_rise_vs_champion_pct: 20, floor_us: 5}", slow, true, "below the 5 µs floor"},
		{"above the floor", "{metric: latency_p99_us, max_rise_vs_champion_pct: 20}", slow, false, "rise 340%, 90% interval [300, 380]"},
		{"evidence at another floor", "{metric: latency_p99_us, max_rise_vs_champion_pct: 20, floor_us: 2}", slow, false, "point values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustPolicy(t, "gates: ["+tc.gate+"]").Check(tc.cand, &champ, nil).Checks[0]
			if got.Pass != tc.pass || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("pass %v, %q; want %v, %q", got.Pass, got.Reason, tc.pass, tc.reason)
			}
		})
	}
}
