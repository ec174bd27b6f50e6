package evaluate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// pairedScores simulates a candidate and a champion scoring the same rows:
// labels with base rate 0.2, and for each model a score sigmoid(μ·y + s +
// e) where the noise s is shared by both models (the rows' common
// difficulty, variance shared) and e is the model's own (variance
// 1 − shared). With unit noise variance the binormal AUC is Φ(μ/√2), so μ
// is set from the wanted AUC of each model.
func pairedScores(rng *rand.Rand, n int, aucCand, aucChamp, shared float64) (labels []float64, cand, champ []float32) {
	labels = make([]float64, n)
	cand, champ = make([]float32, n), make([]float32, n)
	muC, muH := binormalMu(aucCand), binormalMu(aucChamp)
	own := math.Sqrt(1 - shared)
	for i := range labels {
		y := 0.0
		if rng.Float64() < 0.2 {
			y = 1
		}
		s := math.Sqrt(shared) * rng.NormFloat64()
		labels[i] = y
		cand[i] = sigmoid32(muC*y + s + own*rng.NormFloat64() - 1.5)
		champ[i] = sigmoid32(muH*y + s + own*rng.NormFloat64() - 1.5)
	}
	return labels, cand, champ
}

// binormalMu is the mean shift of two unit-variance normals with AUC auc:
// Φ(μ/√2) = auc.
func binormalMu(auc float64) float64 { return math.Sqrt2 * math.Sqrt2 * math.Erfinv(2*auc-1) }

func sigmoid32(x float64) float32 { return float32(1 / (1 + math.Exp(-x))) }

// simulateSliceGate runs the per-slice AUC gate {max_drop_vs_champion:
// limit} trials times on fresh simulated rows (one slice of n rows) and
// returns the share of trials where it failed, with the share where the
// point estimate alone would have failed (the rule before intervals).
func simulateSliceGate(t *testing.T, trials, n int, aucCand, aucChamp, limit float64) (failed, pointFailed float64) {
	t.Helper()
	pol := &Policy{Gates: []Gate{{Metric: AUC, PerSlice: true, MaxDropVsChampion: &limit}}}
	rng := rand.New(rand.NewPCG(12, uint64(n)))
	var fails, pointFails int
	for trial := range trials {
		labels, cand, champ := pairedScores(rng, n, aucCand, aucChamp, simShared)
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		sc := &Scores{Rows: n, Labels: [][]float64{labels, labels}, Preds: [][]float32{cand, champ},
			Slices: []Slice{{Name: "slice", Rows: all}}}
		opts := Options{Threshold: 0.5, Slices: sc.Slices}
		results := make([]Result, 2)
		for i := range results {
			r, err := Evaluate(TaskBinary, labels, sc.Preds[i], opts)
			if err != nil {
				t.Fatal(err)
			}
			results[i] = r
		}
		ev := evidence{pol: pol, sc: sc, tasks: []Task{TaskBinary, TaskBinary}, modelOpts: []Options{opts, opts},
			roles: []Role{RoleCandidate, RoleChampion}, opts: CompareOptions{Bootstrap: BootstrapOptions{Seed: uint64(trial)}}}
		v, err := ev.decide(results)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Checks) != 1 || v.Checks[0].Interval == nil {
			t.Fatalf("checks %+v", v.Checks)
		}
		if !v.Pass {
			fails++
		}
		if *v.Checks[0].Observed > limit {
			pointFails++
		}
	}
	return float64(fails) / float64(trials), float64(pointFails) / float64(trials)
}

// simShared is the share of the score noise the simulated candidate and
// champion have in common: their logits correlate about 0.72 (0.5 gives
// 0.54). Two models trained on neighbouring windows of the same features
// usually correlate more; less correlation widens the paired interval and
// lowers the power (with 0.5, the 0.05 drop below fails 95.5% of 200
// trials instead of 99-100%).
const simShared = 0.7

// simTrials is the number of simulated trials: fewer with -short, where
// the rates are still far enough from the bounds for the count.
func simTrials(short int) int {
	if testing.Short() {
		return short
	}
	return 1000
}

// TestGateSimulationTrueDrop: on a 5,000-row slice where the candidate is
// truly 0.05 AUC worse than the champion, the gate max_drop_vs_champion:
// 0.02 must fail at least 95% of the time.
func TestGateSimulationTrueDrop(t *testing.T) {
	trials := simTrials(60)
	failed, point := simulateSliceGate(t, trials, 5000, 0.65, 0.70, 0.02)
	t.Logf("5,000 rows, true drop 0.05, limit 0.02: failed %.1f%% of %d trials (point estimate alone: %.1f%%)", 100*failed, trials, 100*point)
	if failed < 0.95 {
		t.Errorf("a true drop of 0.05 failed only %.1f%% of the time, want >= 95%%", 100*failed)
	}
}

// TestGateSimulationNoDifference: on a 900-row slice where candidate and
// champion are equally good, the same gate must fail at most 5% of the
// time.
func TestGateSimulationNoDifference(t *testing.T) {
	trials := simTrials(200)
	failed, point := simulateSliceGate(t, trials, 900, 0.70, 0.70, 0.02)
	t.Logf("900 rows, no true difference, limit 0.02: failed %.1f%% of %d trials (point estimate alone: %.1f%%)", 100*failed, trials, 100*point)
	if failed > 0.05 {
		t.Errorf("no true difference failed %.1f%% of the time, want <= 5%%", 100*failed)
	}
}

// TestGateSimulationAtTheLimit: where the candidate is worse by exactly
// the allowed drop, the gate fails about as often as its one-sided level
// allows (5%); the bootstrap's approximation may add a little.
func TestGateSimulationAtTheLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("calibration check: 1000 trials")
	}
	failed, point := simulateSliceGate(t, 1000, 5000, 0.68, 0.70, 0.02)
	t.Logf("5,000 rows, true drop 0.02 = limit: failed %.1f%% of 1000 trials (point estimate alone: %.1f%%)", 100*failed, 100*point)
	if failed > 0.08 {
		t.Errorf("a drop at the limit failed %.1f%% of the time, want about 5%%", 100*failed)
	}
}
