package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestPredictorThreadsIdentical: a Predictor that splits a batch's blocks
// between two goroutines gives bit-identical outputs to one goroutine, for
// every int8 kernel, batch sizes around the block boundaries included.
func TestPredictorThreadsIdentical(t *testing.T) {
	names, models := variantModels(t, 128, 256, 128)
	var one, two *Model
	for i, n := range names {
		switch n {
		case "int8/threads=1":
			one = models[i]
		case "int8/threads=2":
			two = models[i]
		}
	}
	if one.threads > 1 || two.threads != 2 {
		t.Fatalf("threads %d and %d, want 1 and 2", one.threads, two.threads)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, k := range availableISAs() {
		for _, rows := range []int{1, 255, 256, 257, 511, 513, 1024, 1100} {
			t.Run(fmt.Sprintf("%v/rows=%d", k, rows), func(t *testing.T) {
				x := randomRows(r, rows*128)
				var want, got []float32
				withISA(k, func() {
					want, _ = one.NewPredictor().Forward(x, rows, nil)
					p := two.NewPredictor()
					for range 3 { // the helper is reused across calls
						got, _ = p.Forward(x, rows, got)
					}
				})
				if i := firstDiff(want, got); i >= 0 {
					t.Fatalf("row %d: %v with 2 threads, %v with 1", i, got[i], want[i])
				}
			})
		}
	}
}
