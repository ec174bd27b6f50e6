package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGemm measures the dense kernel alone (Dense.Forward without an
// activation), in multiply-adds per second, for the layer shapes of
// BenchmarkPredict, on every kernel path the CPU runs.
func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range [][3]int{{1, 64, 64}, {256, 64, 64}, {1, 128, 256}, {256, 128, 256}} {
		rows, in, out := s[0], s[1], s[2]
		x, w, bias, y := randVec(r, rows*in), randVec(r, in*out), randVec(r, out), make([]float32, rows*out)
		d, err := NewDense(in, out, w, bias, Identity)
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range denseISAs() {
			b.Run(fmt.Sprintf("rows=%d/in=%d/out=%d/%v", rows, in, out, k), func(b *testing.B) {
				skipUnlessDense(b, k)
				withDense(k, func() {
					for b.Loop() {
						d.Forward(y, x, rows)
					}
				})
				b.ReportMetric(float64(rows*in*out*b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
			})
		}
	}
}
