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

// BenchmarkPairedBootstrap times the paired bootstrap of AUC (1000
// resamples) as gates run it, on flights-sized holdouts.
func BenchmarkPairedBootstrap(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 300_000} {
		labels, cand, champ := pairedScores(rand.New(rand.NewPCG(1, 2)), n, 0.70, 0.68, 0.7)
		for _, metric := range []string{AUC, LogLoss} {
			b.Run(fmt.Sprintf("rows=%d/%s", n, metric), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					dc, _ := newBinData(labels, cand)
					dh, _ := newBinData(labels, champ)
					pairedBootstrap(newBinaryResampled(dc, 0.5), newBinaryResampled(dh, 0.5), n, []string{metric}, BootstrapOptions{})
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
