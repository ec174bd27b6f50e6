package model

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// gatherCases are models whose first layer runs as a gather: every layer
// variant, and shapes with widths that are not multiples of 16, a tanh,
// a one-layer model and the other tasks.
func gatherCases(t *testing.T) (names []string, models []*Model) {
	names, models = variantModels(t, 64, 64, 32)
	base := benchModel(t, 64, 40)
	pre := base.Preprocessor()
	add := func(name string, spec Spec, layers []Layer) {
		m, err := New(spec, pre, layers)
		if err != nil {
			t.Fatal(err)
		}
		names, models = append(names, name), append(models, m)
	}
	bin := Spec{Task: TaskBinary, Labels: []string{"0", "1"}}
	add("float32/hidden=40", bin, base.Layers())
	tanh := mlp(t, 3, Sigmoid, 64, 20, 1)
	d := tanh[0].(*Dense)
	td, err := NewDense(d.In(), d.Out(), d.Weights(), d.Bias(), Tanh)
	if err != nil {
		t.Fatal(err)
	}
	add("float32/tanh=20", bin, []Layer{td, tanh[1]})
	add("int8/tanh=20", bin, []Layer{benchInt8(t, td), tanh[1]})
	add("int8/hidden=40", bin, []Layer{benchInt8(t, base.Layers()[0].(*Dense)), base.Layers()[1]})
	add("logistic", bin, mlp(t, 4, Sigmoid, 64, 1))
	add("int8 logistic", bin, []Layer{benchInt8(t, mlp(t, 4, Sigmoid, 64, 1)[0].(*Dense))})
	add("multiclass", Spec{Task: TaskMulticlass, Labels: []string{"a", "b", "c"}}, mlp(t, 5, Softmax, 64, 17, 3))
	add("regression", Spec{Task: TaskRegression, TargetMean: 3, TargetStd: 2}, mlp(t, 6, Identity, 64, 16, 1))
	return names, models
}

// Predict with the first layer as a gather gives the bits of Forward on
// the dense features, for every layer type and int8 kernel.
func TestGatherMatchesDense(t *testing.T) {
	names, models := gatherCases(t)
	for _, k := range availableISAs() {
		for i, m := range models {
			if !m.gather {
				t.Fatalf("%s: the model does not use the gather", names[i])
			}
			for _, rows := range []int{1, 3, 256, 700} {
				t.Run(fmt.Sprintf("%v/%s/rows=%d", k, names[i], rows), func(t *testing.T) {
					rec := benchRecord(t, rows, uint64(rows))
					x, err := m.Preprocessor().Transform(rec, nil)
					if err != nil {
						t.Fatal(err)
					}
					var want, got, sparse []float32
					withISA(k, func() {
						want, err = m.NewPredictor().Forward(x, rows, nil)
						if err == nil {
							got, err = m.NewPredictor().Predict(rec, nil)
						}
						if err == nil {
							var sr SparseRows
							if sr, err = m.Preprocessor().TransformSparse(rec, 0, rows, sr); err == nil {
								sparse, err = m.NewPredictor().ForwardSparse(sr, nil)
							}
						}
					})
					if err != nil {
						t.Fatal(err)
					}
					if i := firstDiff(want, got); i >= 0 {
						t.Fatalf("Predict: output %d: %v, dense path %v", i, got[i], want[i])
					}
					if i := firstDiff(want, sparse); i >= 0 {
						t.Fatalf("ForwardSparse: output %d: %v, dense path %v", i, sparse[i], want[i])
					}
				})
			}
		}
	}
}

func TestForwardSparseErrors(t *testing.T) {
	m := benchModel(t, 64, 8)
	k := m.Preprocessor().SparseWidth()
	ok := SparseRows{Idx: make([]int32, 2*k), Val: make([]float32, 2*k), Rows: 2, Width: k}
	bad := map[string]SparseRows{
		"width":        {Idx: ok.Idx, Val: ok.Val, Rows: 2, Width: k + 1},
		"short values": {Idx: ok.Idx, Val: ok.Val[:k], Rows: 2, Width: k},
		"index":        {Idx: append(make([]int32, 2*k-1), 64), Val: ok.Val, Rows: 2, Width: k},
		"negative":     {Idx: append(make([]int32, 2*k-1), -1), Val: ok.Val, Rows: 2, Width: k},
	}
	for name, sr := range bad {
		if _, err := m.NewPredictor().ForwardSparse(sr, nil); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: got %v, want ErrInvalidInput", name, err)
		}
	}
	if _, err := m.NewPredictor().ForwardSparse(ok, nil); err != nil {
		t.Fatal(err)
	}
}

// A model whose rows are mostly not one-hot keeps the dense first layer.
func TestGatherOnlyWhenSparse(t *testing.T) {
	rec := newRecord(t, col{"a", f64Arr([]float64{1, 2, 3})}, col{"b", f64Arr([]float64{3, 1, 2})})
	pre, err := Fit([]string{"a", "b"}, FitConfig{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Spec{Task: TaskBinary, Labels: []string{"0", "1"}}, pre, mlp(t, 1, Sigmoid, 2, 4, 1))
	if err != nil {
		t.Fatal(err)
	}
	if m.gather {
		t.Fatal("an all-numeric model uses the gather")
	}
}

// Predict on the gather path does not allocate after the first batch,
// dictionary columns and int8 layers included, on one goroutine or two.
func TestGatherPredictAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	names, models := variantModels(t, 64, 64, 32)
	rec := benchRecord(t, 1024, 9)
	dict := newRecord(t, col{"n0", f64Arr([]float64{1, 2})}, col{"n1", f64Arr([]float64{1, 2})},
		col{"n2", f64Arr([]float64{1, 2})}, col{"n3", f64Arr([]float64{1, 2})}, col{"n4", f64Arr([]float64{1, 2})},
		col{"c0", dictArr([]string{"v1", "zz"})}, col{"c1", dictArr([]string{"v3", "v1"}, 1)},
		col{"ts", tsArr(arrow.Millisecond, "America/Chicago", []int64{friday * 1000, 0})})
	for i, m := range models {
		p := m.NewPredictor()
		for _, r := range []arrow.Record{rec, dict} {
			out, err := p.Predict(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := testing.AllocsPerRun(5, func() { out, _ = p.Predict(r, out) }); n != 0 {
				t.Errorf("%s, %d rows: %v allocations per batch", names[i], r.NumRows(), n)
			}
		}
	}
}

// A bad column fails Predict with the same error on one goroutine or two.
func TestParallelPredictError(t *testing.T) {
	names, models := variantModels(t, 64, 64, 32)
	rec := benchRecord(t, 2000, 3)
	bad := newRecord(t, col{"n0", strArr(make([]string, 2000))})
	for i, m := range models {
		_, err := m.NewPredictor().Predict(rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.NewPredictor().Predict(bad, nil)
		if !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("%s: got %v, want ErrInvalidInput", names[i], err)
		}
	}
}

func TestModelWithThreads(t *testing.T) {
	names, models := variantModels(t, 64, 64, 32)
	rec := benchRecord(t, 3000, 4)
	for i, m := range models {
		two := m.WithThreads(2)
		if two.threads != 2 || two.gather != m.gather || two.work != m.work {
			t.Fatalf("%s: threads %d, gather %v, work %d", names[i], two.threads, two.gather, two.work)
		}
		want, err := m.WithThreads(1).Predict(rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := two.Predict(rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		if j := firstDiff(want, got); j >= 0 {
			t.Fatalf("%s: output %d: %v with 2 threads, %v with 1", names[i], j, got[j], want[j])
		}
	}
}

// The int8 gather's codes epilogue (gatherCodes, the fused static path)
// writes quantizeOne of gatherRows's float outputs, bit for bit, on every
// int8 kernel, for output widths of one and several 64-wide passes plus a
// 16-wide tail, and slots valued 0, 1 and other values.
func TestGatherCodesMatchesFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 3))
	const in, k, rows = 50, 5, 37
	idx, val := make([]int32, rows*k), make([]float32, rows*k)
	for i := range rows {
		for s := range k {
			idx[i*k+s] = int32(s*10 + r.IntN(10)) // ascending
			switch r.IntN(3) {
			case 0:
				val[i*k+s] = 1
			case 1:
				val[i*k+s] = float32(r.NormFloat64())
			}
		}
	}
	for _, isa := range availableISAs() {
		for _, out := range []int{16, 64, 80} {
			t.Run(fmt.Sprintf("%v/out=%d", isa, out), func(t *testing.T) {
				l := randomInt8(t, r, in, out, ReLU, Int8Options{InputScale: 0.03, InputZero: 40})
				next := randomInt8(t, r, out, 8, ReLU, Int8Options{InputScale: 0.05, InputZero: 0})
				y := make([]float32, rows*out)
				var nt *int8Tiles
				withISA(isa, func() {
					var sc gatherScratch
					l.gatherRows(y, idx, val, k, rows, &sc)
					nt = l.gatherCodes(next, nil, idx, val, k, rows, &sc)
				})
				seen := map[uint8]bool{}
				for i, v := range y {
					if want := quantizeOne(v, 1/next.inScale, next.inZero); nt.xq[i] != want {
						t.Fatalf("output %d (%v): code %d, want %d", i, v, nt.xq[i], want)
					}
					seen[nt.xq[i]] = true
				}
				if len(seen) < 10 {
					t.Fatalf("only %d distinct codes: the case does not exercise the rounding", len(seen))
				}
			})
		}
	}
}

// The int8 gather's kernels (the four-slot VPDPBUSD steps where the CPU
// has them, and the one-slot steps after them) give the Go gather's
// outputs and codes bit for bit, for every slot count around multiples of
// four, static and dynamic layers, zero points 0 and 40, codes with and
// without the floor, and widths of
// one and several 64-output blocks with and without a 16-output tail.
func TestGatherKernelsMatchGo(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 5))
	const in, rows = 60, 23
	for _, k := range []int{1, 3, 4, 5, 7, 8, 9, 12} {
		idx, val := make([]int32, rows*k), make([]float32, rows*k)
		for i := range idx {
			idx[i] = int32(r.IntN(in))
			switch r.IntN(4) {
			case 0:
				val[i] = 1
			case 1:
				val[i] = float32(r.NormFloat64()) * 3
			case 2:
				val[i] = float32(r.NormFloat64())
			}
		}
		for _, out := range []int{16, 64, 80, 128, 192} {
			for c, opts := range []Int8Options{{}, {InputScale: 0.03, InputZero: 40}, {InputScale: 0.02, InputZero: 0}, {InputScale: 0.03, InputZero: 40}} {
				// ReLU into a next zero point of 0 and no activation leave
				// out the floor (floorIdle); ReLU into 3 keeps it.
				act, nextZero := ReLU, float32(3*(c%2))
				if c == 3 {
					act = Identity
				}
				l := randomInt8(t, r, in, out, act, opts)
				next := randomInt8(t, r, out, 8, ReLU, Int8Options{InputScale: 0.05, InputZero: nextZero})
				want, got := make([]float32, rows*out), make([]float32, rows*out)
				var wantq, gotq []uint8
				withISA(isaGo, func() {
					var sc gatherScratch
					l.gatherRows(want, idx, val, k, rows, &sc)
					if opts.InputScale != 0 {
						wantq = append([]uint8(nil), l.gatherCodes(next, nil, idx, val, k, rows, &sc).xq[:rows*out]...)
					}
				})
				for _, isa := range availableISAs()[1:] {
					withISA(isa, func() {
						var sc gatherScratch
						l.gatherRows(got, idx, val, k, rows, &sc)
						if opts.InputScale != 0 {
							gotq = l.gatherCodes(next, nil, idx, val, k, rows, &sc).xq[:rows*out]
						}
					})
					if i := firstDiff(want, got); i >= 0 {
						t.Fatalf("%v k=%d out=%d %+v: output %d: %v, Go %v", isa, k, out, opts, i, got[i], want[i])
					}
					for i := range wantq {
						if gotq[i] != wantq[i] {
							t.Fatalf("%v k=%d out=%d %+v: code %d: %d, Go %d", isa, k, out, opts, i, gotq[i], wantq[i])
						}
					}
				}
			}
		}
	}
}
