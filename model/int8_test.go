package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomInt8 returns a random int8 layer with the given activation.
func randomInt8(t testing.TB, r *rand.Rand, in, out int, act Activation, opts Int8Options) *Int8Dense {
	t.Helper()
	q := make([]int8, in*out)
	for i := range q {
		q[i] = int8(r.IntN(255) - 127)
	}
	scale, b := make([]float32, out), make([]float32, out)
	for o := range out {
		scale[o] = float32(r.Float64()) / 64
		b[o] = float32(r.NormFloat64())
	}
	l, err := NewInt8Dense(in, out, q, scale, b, act, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func randomRows(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 2)
	}
	return x
}

// withISA runs fn with the int8 kernel switched to k.
func withISA(k isa, fn func()) {
	old := kernelISA
	kernelISA = k
	defer func() { kernelISA = old }()
	fn()
}

func availableISAs() []isa {
	out := []isa{isaGo}
	for k := isaAVX2; k <= detectISA(); k++ {
		out = append(out, k)
	}
	return out
}

// TestInt8PathsIdentical checks that every kernel path gives bit-identical
// outputs on random shapes, ragged tails included.
func TestInt8PathsIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	isas := availableISAs()
	t.Logf("kernels: %v (detected %v)", isas, detectISA())
	shapes := [][3]int{{1, 1, 1}, {3, 5, 7}, {4, 16, 16}, {5, 17, 33}, {7, 80, 64}, {9, 64, 1}, {33, 128, 256},
		{130, 256, 128}, {257, 31, 65}, {2, 4, 80}}
	for i := range 20 {
		shapes = append(shapes, [3]int{1 + r.IntN(40), 1 + r.IntN(150), 1 + r.IntN(150)})
		_ = i
	}
	for _, s := range shapes {
		rows, in, out := s[0], s[1], s[2]
		for _, act := range []Activation{ReLU, Identity, Sigmoid} {
			for _, static := range []bool{false, true} {
				opts := Int8Options{}
				if static {
					opts = Int8Options{InputScale: 0.03, InputZero: 60}
				}
				l := randomInt8(t, r, in, out, act, opts)
				x := randomRows(r, rows*in)
				var want []float32
				for _, k := range isas {
					for _, threads := range []int{1, 2} {
						got := make([]float32, rows*out)
						withISA(k, func() { l.WithThreads(threads).Forward(got, x, rows) })
						if want == nil {
							want = got
							continue
						}
						if i := firstDiff(want, got); i >= 0 {
							t.Fatalf("%v act %s static %v: %v threads %d differs from go at %d: %v vs %v",
								s, act, static, k, threads, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

func firstDiff(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// TestQuantizePathsIdentical compares the quantization helpers.
func TestQuantizePathsIdentical(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 15, 16, 31, 32, 33, 100, 1024, 1037} {
		x := randomRows(r, n)
		x[r.IntN(n)] = 1e12 // clamped
		lo, hi := minmaxGo(x)
		want := make([]uint8, n)
		quantizeGo(want, x, 1/0.05, 17)
		for _, k := range availableISAs() {
			l, h := minmax(k, x)
			if l != lo || h != hi {
				t.Fatalf("n=%d %v: minmax %v %v, want %v %v", n, k, l, h, lo, hi)
			}
			got := make([]uint8, n)
			quantize(k, got, x, 1/0.05, 17)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d %v: quantize differs", n, k)
			}
		}
	}
}

// TestInt8CloseToFloat compares an int8 layer with its dequantized float
// twin: the error is bounded by the input quantization step.
func TestInt8CloseToFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, s := range [][3]int{{1, 80, 64}, {64, 128, 256}, {7, 33, 3}} {
		rows, in, out := s[0], s[1], s[2]
		l := randomInt8(t, r, in, out, Identity, Int8Options{})
		d, err := NewDense(in, out, l.Dequantized(), l.Bias(), Identity)
		if err != nil {
			t.Fatal(err)
		}
		x := randomRows(r, rows*in)
		got, want := make([]float32, rows*out), make([]float32, rows*out)
		l.Forward(got, x, rows)
		d.Forward(want, x, rows)
		lo, hi := minmaxGo(x)
		step, _ := dynamicParams(lo, hi)
		for o := range out {
			var wabs float64
			for _, w := range l.Dequantized()[o*in : (o+1)*in] {
				wabs += math.Abs(float64(w))
			}
			bound := wabs*float64(step)/2 + 1e-4
			for row := range rows {
				if diff := math.Abs(float64(got[row*out+o] - want[row*out+o])); diff > bound {
					t.Fatalf("%v row %d out %d: |%v − %v| = %v > %v", s, row, o, got[row*out+o], want[row*out+o], diff, bound)
				}
			}
		}
	}
}

func TestNewInt8DenseRejects(t *testing.T) {
	ok := func() ([]int8, []float32, []float32) { return []int8{1, 2}, []float32{1}, []float32{0} }
	q, s, b := ok()
	cases := map[string]func() error{
		"shape": func() error { _, err := NewInt8Dense(0, 1, q, s, b, ReLU, Int8Options{}); return err },
		"len":   func() error { _, err := NewInt8Dense(3, 1, q, s, b, ReLU, Int8Options{}); return err },
		"-128":  func() error { _, err := NewInt8Dense(2, 1, []int8{-128, 0}, s, b, ReLU, Int8Options{}); return err },
		"scale": func() error { _, err := NewInt8Dense(2, 1, q, []float32{-1}, b, ReLU, Int8Options{}); return err },
		"nan": func() error {
			_, err := NewInt8Dense(2, 1, q, s, []float32{float32(math.NaN())}, ReLU, Int8Options{})
			return err
		},
		"static": func() error {
			_, err := NewInt8Dense(2, 1, q, s, b, ReLU, Int8Options{InputScale: 1, InputZero: 0.5})
			return err
		},
		"act": func() error { _, err := NewInt8Dense(2, 1, q, s, b, "gelu", Int8Options{}); return err },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			if err := fn(); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	_ = fmt.Sprint
}

// dynamicParams gives what its first form (with the min and max
// builtins) gave, bit for bit, on edge values and random ranges.
func TestDynamicParamsMatchesBuiltins(t *testing.T) {
	ref := func(lo, hi float32) (float32, float32) {
		lo, hi = min(lo, 0), max(hi, 0)
		scale := (hi - lo) / 127
		if !(scale > 0) || math.IsInf(float64(scale), 0) {
			return 1, 0
		}
		zero := float32(math.RoundToEven(float64(-lo / scale)))
		return scale, min(max(zero, 0), 127)
	}
	nan, inf, negZero := float32(math.NaN()), float32(math.Inf(1)), float32(math.Copysign(0, -1))
	edge := []float32{0, negZero, 1, -1, nan, inf, -inf, math.MaxFloat32, -math.MaxFloat32, 1e-45, -1e-45, 3.5, -2.25}
	type pair struct{ lo, hi float32 }
	var cases []pair
	for _, lo := range edge {
		for _, hi := range edge {
			cases = append(cases, pair{lo, hi})
		}
	}
	r := rand.New(rand.NewPCG(4, 4))
	for range 10000 {
		cases = append(cases, pair{float32(r.NormFloat64() * 5), float32(r.NormFloat64() * 5)})
	}
	for _, c := range cases {
		gs, gz := dynamicParams(c.lo, c.hi)
		ws, wz := ref(c.lo, c.hi)
		if math.Float32bits(gs) != math.Float32bits(ws) || math.Float32bits(gz) != math.Float32bits(wz) {
			t.Fatalf("dynamicParams(%v, %v) = %v, %v; want %v, %v", c.lo, c.hi, gs, gz, ws, wz)
		}
	}
}
