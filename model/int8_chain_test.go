package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestInt8ChainIdentical: a Predictor that passes 8-bit codes between
// static int8 layers (the codes epilogue) gives bit-identical outputs to
// running each layer's Forward through float32, for every kernel and
// thread count, fusable and non-fusable neighbours mixed.
func TestInt8ChainIdentical(t *testing.T) {
	base := benchModel(t, 80, 64, 32)
	r := rand.New(rand.NewPCG(11, 12))
	static := func(scale, zero float32) Int8Options { return Int8Options{InputScale: scale, InputZero: zero} }
	layers := []Layer{
		randomInt8(t, r, 80, 48, ReLU, static(0.05, 64)),
		randomInt8(t, r, 48, 64, Identity, static(0.02, 0)), // fed codes (48 = 3 blocks)
		randomInt8(t, r, 64, 20, ReLU, static(0.3, 60)),     // fed codes; 20 is not whole blocks
		randomInt8(t, r, 20, 32, ReLU, Int8Options{}),       // dynamic: fed floats; writes codes
		randomInt8(t, r, 32, 16, ReLU, static(0.5, 0)),      // fed codes
		randomInt8(t, r, 16, 1, Sigmoid, static(0.25, 3)),   // fed codes
	}
	fused := 0
	for i := range len(layers) - 1 {
		if _, ok := layers[i].(*Int8Dense).fusesInto(layers[i+1]); ok {
			fused++
		}
	}
	if fused != 4 && kernelISA != isaAVX2 {
		t.Fatalf("%d fused pairs, want 4", fused)
	}
	for _, threads := range []int{1, 2} {
		ls := make([]Layer, len(layers))
		for i, l := range layers {
			ls[i] = l.(*Int8Dense).WithThreads(threads)
		}
		m, err := New(base.Spec(), base.Preprocessor(), ls)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range availableISAs() {
			for _, rows := range []int{1, 3, 4, 130, 256, 700, 3000} { // 3000 rows are enough work to use the helper
				t.Run(fmt.Sprintf("threads=%d/%v/rows=%d", threads, k, rows), func(t *testing.T) {
					x := randomRows(r, rows*80)
					var want, got []float32
					withISA(k, func() {
						want = forwardEach(layers, x, rows)
						got, _ = m.NewPredictor().Forward(x, rows, nil)
					})
					if i := firstDiff(want, got); i >= 0 {
						t.Fatalf("row %d: %v fused, %v through float32", i, got[i], want[i])
					}
				})
			}
		}
	}
}

// forwardEach runs the layers one by one through float32, in blocks of
// blockRows like a Predictor.
func forwardEach(layers []Layer, x []float32, rows int) []float32 {
	in := layers[0].In()
	var out []float32
	for lo := 0; lo < rows; lo += blockRows {
		n := min(blockRows, rows-lo)
		src := x[lo*in : (lo+n)*in]
		for _, l := range layers {
			dst := make([]float32, n*l.Out())
			l.Forward(dst, src, n)
			src = dst
		}
		out = append(out, src...)
	}
	return out
}

// TestInt8PairIdentical: the last two static layers of the flights shape
// (… → 32 → 1) run as one pass where the kernel has it; the outputs equal
// running each layer's Forward through float32, bit for bit, for every
// kernel, row counts that are and are not multiples of 4, both zero-point
// points and input kinds.
func TestInt8PairIdentical(t *testing.T) {
	base := benchModel(t, 80, 64, 32)
	r := rand.New(rand.NewPCG(13, 14))
	static := func(scale, zero float32) Int8Options { return Int8Options{InputScale: scale, InputZero: zero} }
	for _, c := range []struct {
		name string
		last Activation
		zero float32
		in   Int8Options // the 64→32 layer's input: static, or dynamic (fed floats)
	}{
		{"sigmoid", Sigmoid, 3, static(0.02, 0)},
		{"zero0", Sigmoid, 0, static(0.03, 5)},
		{"zero64", Sigmoid, 64, static(0.02, 0)},
		{"dynamic", Sigmoid, 7, Int8Options{}},
	} {
		layers := []Layer{
			randomInt8(t, r, 80, 64, ReLU, static(0.05, 64)),
			randomInt8(t, r, 64, 32, ReLU, c.in),
			randomInt8(t, r, 32, 1, c.last, static(0.25, c.zero)),
		}
		m, err := New(base.Spec(), base.Preprocessor(), layers)
		if err != nil {
			t.Fatal(err)
		}
		a, b := layers[1].(*Int8Dense), layers[2].(*Int8Dense)
		if _, ok := a.fusesInto(b); !ok && kernelISA == isaVNNI {
			t.Fatal("the 64→32 layer does not fuse into the last")
		}
		for _, k := range availableISAs() {
			for _, rows := range []int{1, 2, 3, 4, 5, 130, 255, 256, 700} {
				t.Run(fmt.Sprintf("%s/%v/rows=%d", c.name, k, rows), func(t *testing.T) {
					x := randomRows(r, rows*80)
					var want, got []float32
					withISA(k, func() {
						want = forwardEach(layers, x, rows)
						got, _ = m.NewPredictor().Forward(x, rows, nil)
					})
					if i := firstDiff(want, got); i >= 0 {
						t.Fatalf("row %d: %v in one pass, %v layer by layer", i, got[i], want[i])
					}
				})
			}
		}
	}
}
