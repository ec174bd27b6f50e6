package evaluate

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func BenchmarkEvaluateBinary(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		rng := rand.New(rand.NewPCG(1, 2))
		labels := make([]int, n)
		scores := make([]float32, n)
		for i := range labels {
			labels[i] = rng.IntN(2)
			scores[i] = float32(min(1, 0.3*float64(labels[i])+rng.Float64()*0.7))
		}
		b.Run(fmt.Sprintf("rows=%d/auc", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ROCAUC(labels, scores); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("rows=%d/all", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := EvaluateBinary(labels, scores, 0.5); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPairedBootstrap times the evidence of one AUC gate against the
// champion as Compare measures it (rows sorted by the candidate's score,
// Poisson resamples), on holdouts up to flights' size: with the default
// number of resamples (1000, fewer beyond 100,000 rows) and with 1000.
func BenchmarkPairedBootstrap(b *testing.B) {
	limit := 0.005
	pol := &Policy{Gates: []Gate{{Metric: AUC, MaxDropVsChampion: &limit}}}
	for _, n := range []int{1_000, 10_000, 100_000, 300_000} {
		labels, cand, champ := pairedScores(rand.New(rand.NewPCG(1, 2)), n, 0.70, 0.68, 0.7)
		sc := &Scores{Rows: n, Labels: [][]float64{labels, labels}, Preds: [][]float32{cand, champ}}
		for _, resamples := range []int{0, 1000} {
			if resamples == 1000 && n <= 100_000 {
				continue // the default already
			}
			b.Run(fmt.Sprintf("rows=%d/resamples=%d", n, resamples), func(b *testing.B) {
				b.ReportAllocs()
				opts := Options{Threshold: 0.5}
				ev := evidence{pol: pol, sc: sc, tasks: []Task{TaskBinary, TaskBinary}, modelOpts: []Options{opts, opts},
					roles: []Role{RoleCandidate, RoleChampion}, opts: CompareOptions{Bootstrap: BootstrapOptions{Resamples: resamples}}}
				for b.Loop() {
					r := Result{Metrics: map[string]float64{}}
					if err := ev.add(&r); err != nil || len(r.Paired) != 1 {
						b.Fatal(err, r.Paired)
					}
				}
			})
		}
	}
}

func BenchmarkResampleCounts(b *testing.B) {
	for b.Loop() {
		resampleCounts(100_000, BootstrapOptions{Resamples: 10}, func([]uint8) {})
	}
}
