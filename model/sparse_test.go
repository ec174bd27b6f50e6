package model

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// pruneRandom zeroes a fraction of w.
func pruneRandom(r *rand.Rand, w []float32, frac float64) []float32 {
	w = slices.Clone(w)
	for i := range w {
		if r.Float64() < frac {
			w[i] = 0
		}
	}
	return w
}

// TestSparseMatchesDense: the sparse kernel skips zeros but otherwise sums
// like the dense one, so the outputs are identical.
func TestSparseMatchesDense(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, s := range [][3]int{{1, 1, 1}, {3, 5, 7}, {9, 80, 64}, {33, 128, 256}, {6, 17, 3}} {
		rows, in, out := s[0], s[1], s[2]
		for _, frac := range []float64{0, 0.5, 0.8, 1} {
			w := pruneRandom(r, randVec(r, in*out), frac)
			b := randVec(r, out)
			d, _ := NewDense(in, out, w, b, ReLU)
			sp, err := NewSparse(in, out, w, b, ReLU)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(sp.Weights(), w) || sp.NonZeros() != d.NonZeros() || sp.NumParams() != d.NumParams() {
				t.Fatalf("%v: weights or counts differ", s)
			}
			x := randomRows(r, rows*in)
			got, want := make([]float32, rows*out), make([]float32, rows*out)
			sp.Forward(got, x, rows)
			d.Forward(want, x, rows)
			if i := firstDiff(got, want); i >= 0 {
				t.Fatalf("%v sparsity %v: output %d: %v, dense %v", s, frac, i, got[i], want[i])
			}
		}
	}
}

// optimizedModels returns the test model with its layers replaced by
// sparse and int8 variants: every storage the encoder can choose.
func optimizedModels(t testing.TB) map[string]*Model {
	m, _ := testModel(t, TaskBinary, 24, 8)
	r := rand.New(rand.NewPCG(9, 10))
	out := map[string]*Model{}
	build := func(name string, conv func(i int, d *Dense) Layer) {
		var layers []Layer
		for i, l := range m.Layers() {
			layers = append(layers, conv(i, l.(*Dense)))
		}
		mm, err := New(m.Spec(), m.Preprocessor(), layers)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = mm
	}
	toInt8 := func(d *Dense, frac float64, opts Int8Options) Layer {
		w := pruneRandom(r, d.Weights(), frac)
		q := make([]int8, len(w))
		scale := make([]float32, d.Out())
		for o := range scale {
			scale[o] = 0.01
			for k := range d.In() {
				q[o*d.In()+k] = int8(max(-127, min(127, w[o*d.In()+k]*100)))
			}
		}
		l, err := NewInt8Dense(d.In(), d.Out(), q, scale, d.Bias(), d.Activation(), opts)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	build("sparse", func(_ int, d *Dense) Layer {
		l, err := NewSparse(d.In(), d.Out(), pruneRandom(r, d.Weights(), 0.6), d.Bias(), d.Activation())
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
	build("int8", func(_ int, d *Dense) Layer { return toInt8(d, 0, Int8Options{}) })
	build("int8-masked-static", func(_ int, d *Dense) Layer {
		return toInt8(d, 0.7, Int8Options{InputScale: 0.04, InputZero: 50})
	})
	build("mixed", func(i int, d *Dense) Layer {
		switch i {
		case 0:
			return d
		case 1:
			return toInt8(d, 0.5, Int8Options{})
		}
		l, _ := NewSparse(d.In(), d.Out(), d.Weights(), d.Bias(), d.Activation())
		return l
	})
	return out
}

// TestRoundTripOptimized: sparse and int8 models decode to models that
// predict the same and re-encode to the same bytes; a flipped weight
// byte fails the checksum.
func TestRoundTripOptimized(t *testing.T) {
	rec := trainingRecord(t, 64, 2)
	for name, m := range optimizedModels(t) {
		t.Run(name, func(t *testing.T) {
			b := encode(t, m)
			got, err := DecodeBytes(b)
			if err != nil {
				t.Fatal(err)
			}
			if again := encode(t, got); !bytes.Equal(again, b) {
				t.Fatal("re-encoding differs")
			}
			want, _ := m.Predict(rec, nil)
			have, err := got.Predict(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if i := firstDiff(have, want); i >= 0 {
				t.Fatalf("prediction %d: %v, want %v", i, have[i], want[i])
			}
			if got.NonZeros() != m.NonZeros() || got.NumParams() != m.NumParams() {
				t.Fatal("counts differ")
			}
			bad := slices.Clone(b)
			bad[len(bad)-5] ^= 1
			if _, err := DecodeBytes(bad); !errors.Is(err, ErrChecksum) {
				t.Fatalf("flipped byte: %v", err)
			}
		})
	}
}

// TestInt8MaskedStorage: a pruned int8 layer is stored with a bit mask
// (1 bit per weight plus the non-zero bytes), a dense one plainly.
func TestInt8MaskedStorage(t *testing.T) {
	for name, want := range map[string]string{"int8": "", "int8-masked-static": storageMasked} {
		l := optimizedModels(t)[name].Layers()[0]
		a, ts, err := encodeLayerExt(0, l)
		if err != nil || a.Storage != want {
			t.Fatalf("%s: storage %q (%v), want %q", name, a.Storage, err, want)
		}
		if n := len(ts[0].data) + len(ts[1].data); want != "" && n >= l.In()*l.Out() {
			t.Fatalf("%s: %d weight bytes for %d weights", name, n, l.In()*l.Out())
		}
	}
}

// FuzzDecodeOptimized is FuzzDecode seeded with sparse and int8 models, so
// mutations reach the mask and int8 decoders.
func FuzzDecodeOptimized(f *testing.F) {
	rec0 := trainingRecord(f, 20, 5)
	for _, m := range optimizedModels(f) {
		f.Add(encode(f, m))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkDecoded(t, rec0, b, DecodeBytes)
		checkDecoded(t, rec0, b, decodeUnverified)
	})
}
