package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGemm measures the dense kernel alone, in multiply-adds per
// second, for the layer shapes of BenchmarkPredict.
func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range [][3]int{{1, 64, 64}, {256, 64, 64}, {1, 128, 256}, {256, 128, 256}} {
		rows, in, out := s[0], s[1], s[2]
		x, w, bias, y := randVec(r, rows*in), randVec(r, in*out), randVec(r, out), make([]float32, rows*out)
		b.Run(fmt.Sprintf("rows=%d/in=%d/out=%d", rows, in, out), func(b *testing.B) {
			for b.Loop() {
				gemmBias(y, x, w, bias, rows, in, out)
			}
			b.ReportMetric(float64(rows*in*out*b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}
