package evaluate

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestResampledMatchesGathered checks every weighted metric against the
// plain metric on the drawn rows written out one by one, with ties in the
// scores (rounded to 0.05) so the tie groups matter.
func TestResampledMatchesGathered(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 500
	labels, cand, _ := pairedScores(rng, n, 0.75, 0.7, 0.5)
	for i := range cand {
		cand[i] = float32(math.Round(float64(cand[i])*20) / 20)
	}
	d, err := newBinData(labels, cand)
	if err != nil {
		t.Fatal(err)
	}
	r := newBinaryResampled(d, 0.3)
	resampleCounts(n, BootstrapOptions{Resamples: 20, Seed: 3}, func(w []uint8) {
		var sub binData
		for i, c := range w {
			for range c {
				sub.y, sub.p = append(sub.y, d.y[i]), append(sub.p, d.p[i])
			}
		}
		for _, metric := range binaryMetrics {
			want, got := binaryMetric(sub, metric, 0.3), r.metric(metric, w)
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("%s on %d drawn rows: weighted %v, gathered %v", metric, len(sub.y), got, want)
			}
		}
	})
}

// TestPoissonCounts checks the table-driven Poisson(1) draws against the
// search they shortcut, and their mean and variance (both 1).
func TestPoissonCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200_000 {
		u := rng.Uint32()
		if poisson1(u) != poisson1Search(u) {
			t.Fatalf("poisson1(%#x) = %d, search %d", u, poisson1(u), poisson1Search(u))
		}
	}
	for k, edge := range poissonCDF[:8] { // both sides of every threshold
		if poisson1(edge-1) != uint8(k) || poisson1(edge) != uint8(k+1) {
			t.Errorf("threshold %d: %d, %d", k, poisson1(edge-1), poisson1(edge))
		}
	}
	var sum, sq float64
	const n = 100_001 // odd: the last row takes half a draw
	resampleCounts(n, BootstrapOptions{Resamples: 3}, func(w []uint8) {
		for _, c := range w {
			sum += float64(c)
			sq += float64(c) * float64(c)
		}
	})
	mean := sum / (3 * n)
	variance := sq/(3*n) - mean*mean
	// Standard errors: 1/√300003 ≈ 0.0018 for the mean, about 0.003 for the variance.
	if math.Abs(mean-1) > 0.01 || math.Abs(variance-1) > 0.02 {
		t.Errorf("counts: mean %v, variance %v; want 1, 1", mean, variance)
	}
}

func TestTimingQuantile(t *testing.T) {
	samples := []float64{5, 1, 4, 2, 3, 0.5}
	ones := []uint8{1, 1, 1, 1, 1, 1}
	for _, floor := range []float64{0, 1.5} {
		tr := newTimingResampled(samples, nil, len(samples), floor)
		raised := make([]float64, len(samples))
		for i, v := range samples {
			raised[i] = math.Max(v, floor)
		}
		for metric, q := range timingQuantile {
			if got, want := tr.metric(metric, ones), quantile(raised, q); got != want {
				t.Errorf("floor %v: %s %v, want %v", floor, metric, got, want)
			}
		}
	}
	// Weights: 5 drawn three times is the median of {1, 5, 5, 5}.
	tr := newTimingResampled(samples, nil, len(samples), 0)
	if got := tr.metric(CostLatencyP50, []uint8{3, 1, 0, 0, 0, 0}); got != 5 {
		t.Errorf("weighted median %v, want 5", got)
	}
}

// TestTimingGroupsQuantile: quantiles of call groups weighted by their
// samples' counts equal the quantiles of the groups written out.
func TestTimingGroupsQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const samples, perSample = 50, 40
	var vals []float64
	var unit []int32
	for s := range samples {
		for range perSample {
			vals, unit = append(vals, 0.3+rng.ExpFloat64()*0.05), append(unit, int32(s))
		}
	}
	tr := newTimingResampled(vals, unit, samples, 0)
	resampleCounts(samples, BootstrapOptions{Resamples: 20, Seed: 9}, func(w []uint8) {
		var drawn []float64
		for i, v := range vals {
			for range w[unit[i]] {
				drawn = append(drawn, v)
			}
		}
		for _, metric := range []string{CostLatencyP50, CostLatencyP99} {
			if got, want := tr.metric(metric, w), quantile(drawn, timingQuantile[metric]); got != want {
				t.Errorf("%s: %v, written out %v", metric, got, want)
			}
		}
	})
}

func TestPairedBootstrapDeterministic(t *testing.T) {
	labels, cand, champ := pairedScores(rand.New(rand.NewPCG(1, 2)), 2000, 0.72, 0.70, 0.7)
	run := func(seed uint64) Paired {
		dc, _ := newBinData(labels, cand)
		dh, _ := newBinData(labels, champ)
		return pairedBootstrap(newBinaryResampled(dc, 0.5), newBinaryResampled(dh, 0.5), len(labels),
			[]string{AUC}, BootstrapOptions{Resamples: 200, Seed: seed, Level: 0.9})[0]
	}
	a, b, c := run(1), run(1), run(2)
	if a != b {
		t.Fatalf("same seed: %+v, %+v", a, b)
	}
	if a == c {
		t.Fatal("different seeds gave the same interval")
	}
	if !(a.Diff.Lo < a.Diff.Estimate && a.Diff.Estimate < a.Diff.Hi) || a.Diff.Resamples != 200 || a.N != 2000 {
		t.Fatalf("interval %+v", a.Diff)
	}
}

// TestEvidenceRegression: a regression candidate with larger errors than
// the champion on 2,000 rows is shown worse on rmse; the multiclass and
// regression path gathers the drawn rows.
func TestEvidenceRegression(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	const n = 2000
	labels := make([]float64, n)
	cand, champ := make([]float32, n), make([]float32, n)
	for i := range labels {
		labels[i] = rng.NormFloat64() * 10
		shared := rng.NormFloat64()
		champ[i] = float32(labels[i] + shared)
		cand[i] = float32(labels[i] + shared + 0.8*rng.NormFloat64())
	}
	limit := 0.05
	pol := &Policy{Gates: []Gate{{Metric: RMSE, MaxRiseVsChampion: &limit}}}
	sc := &Scores{Rows: n, Labels: [][]float64{labels, labels}, Preds: [][]float32{cand, champ}}
	results := make([]Result, 2)
	for i := range results {
		r, err := Evaluate(TaskRegression, labels, sc.Preds[i], Options{})
		if err != nil {
			t.Fatal(err)
		}
		results[i] = r
	}
	ev := evidence{pol: pol, sc: sc, tasks: []Task{TaskRegression, TaskRegression}, modelOpts: []Options{{}, {}},
		roles: []Role{RoleCandidate, RoleChampion}, opts: CompareOptions{Bootstrap: BootstrapOptions{Resamples: 200}}}
	v, err := ev.decide(results)
	if err != nil {
		t.Fatal(err)
	}
	c := v.Checks[0]
	want := results[0].Metrics[RMSE] - results[1].Metrics[RMSE] // about √1.64 − 1 ≈ 0.28
	if c.Pass || c.Interval == nil || math.Abs(*c.Observed-want) > 1e-12 || !(c.Interval.Lo > limit) {
		t.Fatalf("rmse rise gate: %+v (interval %v), rise %v", c, c.Interval, want)
	}
}
