package model

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// variantModels returns float32 (1 and 2 threads), int8 with dynamic and with static input
// quantization (1 and 2 threads each) and sparse (50%, 80%, unstructured
// random) versions of one MLP, for the benchmarks.
func variantModels(b testing.TB, in int, hidden ...int) (names []string, models []*Model) {
	base := benchModel(b, in, hidden...)
	r := rand.New(rand.NewPCG(4, 4))
	add := func(name string, conv func(d *Dense) Layer) {
		var layers []Layer
		for _, l := range base.Layers() {
			layers = append(layers, conv(l.(*Dense)))
		}
		m, err := New(base.Spec(), base.Preprocessor(), layers)
		if err != nil {
			b.Fatal(err)
		}
		names, models = append(names, name), append(models, m)
	}
	add("float32", func(d *Dense) Layer { return d })
	add("float32/threads=2", func(d *Dense) Layer { return d.WithThreads(2) })
	for _, threads := range []int{1, 2} {
		add(fmt.Sprintf("int8/threads=%d", threads), func(d *Dense) Layer {
			return benchInt8(b, d).WithThreads(threads)
		})
	}
	calib := staticRanges(base, randomRows(rand.New(rand.NewPCG(9, 9)), 4096*in), 4096)
	for _, threads := range []int{1, 2} {
		i := 0
		add(fmt.Sprintf("int8static/threads=%d", threads), func(d *Dense) Layer {
			sx, zp := dynamicParams(calib[i][0], calib[i][1])
			i++
			return benchInt8Opts(b, d, Int8Options{InputScale: sx, InputZero: zp}).WithThreads(threads)
		})
	}
	for _, frac := range []float64{0.5, 0.8} {
		add(fmt.Sprintf("sparse%.0f", frac*100), func(d *Dense) Layer {
			s, err := NewSparse(d.In(), d.Out(), pruneRandom(r, d.Weights(), frac), d.Bias(), d.Activation())
			if err != nil {
				b.Fatal(err)
			}
			return s
		})
	}
	return names, models
}

// staticRanges runs the float model m on rows rows of features x and
// returns each layer's input minimum and maximum (static calibration, as
// package optimize does it, without a percentile).
func staticRanges(m *Model, x []float32, rows int) [][2]float32 {
	var out [][2]float32
	for _, l := range m.Layers() {
		lo, hi := minmaxGo(x)
		out = append(out, [2]float32{lo, hi})
		y := make([]float32, rows*l.Out())
		l.Forward(y, x, rows)
		x = y
	}
	return out
}

// benchInt8 quantizes d per output channel (as package optimize does).
func benchInt8(b testing.TB, d *Dense) *Int8Dense { return benchInt8Opts(b, d, Int8Options{}) }

func benchInt8Opts(b testing.TB, d *Dense, opts Int8Options) *Int8Dense {
	w := d.Weights()
	q := make([]int8, len(w))
	scale := make([]float32, d.Out())
	for o := range scale {
		var m float32
		for _, v := range w[o*d.In() : (o+1)*d.In()] {
			m = max(m, v, -v)
		}
		scale[o] = m / 127
		for k := range d.In() {
			if m > 0 {
				q[o*d.In()+k] = int8(max(-127, min(127, w[o*d.In()+k]/scale[o])))
			}
		}
	}
	l, err := NewInt8Dense(d.In(), d.Out(), q, scale, d.Bias(), d.Activation(), opts)
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// BenchmarkVariants measures the layers alone (Predictor.Forward on a
// feature matrix, as ONNX Runtime is measured) for float32, int8 and
// sparse variants of the flights-like MLP (80 inputs, hidden 64, 32) and
// of the ONNX Runtime comparison shape (128, hidden 256, 128), all in one
// run so the numbers share the machine's load.
func BenchmarkVariants(b *testing.B) {
	shapes := []struct {
		in     int
		hidden []int
	}{{80, []int{64, 32}}, {128, []int{256, 128}}}
	for _, s := range shapes {
		names, models := variantModels(b, s.in, s.hidden...)
		for _, rows := range []int{1, 1024} {
			x := randomRows(rand.New(rand.NewPCG(1, 1)), rows*s.in)
			for i, m := range models {
				b.Run(fmt.Sprintf("in=%d/hidden=%v/batch=%d/%s", s.in, s.hidden, rows, names[i]), func(b *testing.B) {
					p := m.NewPredictor()
					out, err := p.Forward(x, rows, nil)
					if err != nil {
						b.Fatal(err)
					}
					b.ReportAllocs()
					for b.Loop() {
						out, _ = p.Forward(x, rows, out)
					}
					b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
					b.ReportMetric(b.Elapsed().Seconds()*1e6/float64(rows*b.N), "µs/row")
				})
			}
		}
	}
}
