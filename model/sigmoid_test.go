package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fastSigmoid stays within 1e-6 of the exact logistic function over
// every float32 in [−20, 20] sampled densely, at the extremes and at the
// clamp bounds; it is monotone and gives exactly 0.5 at 0.
func TestFastSigmoidError(t *testing.T) {
	exact := func(x float32) float64 { return 1 / (1 + math.Exp(-float64(x))) }
	var worst float64
	var at float32
	check := func(x float32) {
		if e := math.Abs(float64(fastSigmoid(x)) - exact(x)); e > worst || math.IsNaN(e) {
			worst, at = e, x
		}
	}
	for i := -2_000_000; i <= 2_000_000; i++ {
		check(float32(i) / 100_000)
	}
	for _, x := range []float32{-1e30, -200, -90, -88, -87, -86, -85, -30, 30, 85, 86, 87, 88, 90, 200, 1e30,
		float32(math.Inf(1)), float32(math.Inf(-1)), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32} {
		check(x)
	}
	if worst > 1e-6 {
		t.Fatalf("largest error %g at x = %g, want ≤ 1e-6", worst, at)
	}
	t.Logf("largest absolute error %.3g at x = %g", worst, at)
	if v := fastSigmoid(0); v != 0.5 {
		t.Fatalf("fastSigmoid(0) = %v, want 0.5", v)
	}
	prev := fastSigmoid(-30)
	for i := -29_999; i <= 30_000; i++ {
		v := fastSigmoid(float32(i) / 1000)
		if v < prev {
			t.Fatalf("fastSigmoid decreases at %g: %v after %v", float32(i)/1000, v, prev)
		}
		prev = v
	}
}

// The assembly gives fastSigmoid's bits, tails included.
func TestFastSigmoidsMatchGo(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 18))
	x := make([]float32, 4099)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 8)
	}
	copy(x, []float32{0, float32(math.Copysign(0, -1)), 86, -86, 87, -87, 1e30, -1e30,
		float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e-40, -1e-40})
	got := append([]float32(nil), x...)
	fastSigmoids(got)
	for i, v := range x {
		if want := fastSigmoid(v); math.Float32bits(got[i]) != math.Float32bits(want) {
			t.Fatalf("x[%d] = %g: %v (%#x), fastSigmoid %v (%#x) (avx512 %v)", i, v, got[i],
				math.Float32bits(got[i]), want, math.Float32bits(want), hasAVX512)
		}
	}
}
