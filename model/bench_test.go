package model

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// benchRecord has 5 numeric columns (3 with nulls), 2 categorical columns
// of 100 equally likely values and a timestamp over a year (one-hot hour,
// weekday and month, and a missing indicator): 8+44 = 52 features plus
// 2·(topK+2) one-hots.
func benchRecord(b testing.TB, rows int, seed uint64) arrow.Record {
	r := rand.New(rand.NewPCG(seed, 3))
	var cols []col
	for j := range 5 {
		v := make([]float64, rows)
		var nulls []int
		for i := range v {
			v[i] = r.NormFloat64()*100 + float64(j)
			if j < 3 && i%13 == j {
				nulls = append(nulls, i)
			}
		}
		cols = append(cols, col{fmt.Sprint("n", j), f64Arr(v, nulls...)})
	}
	for j := range 2 {
		v := make([]string, rows)
		for i := range v {
			v[i] = fmt.Sprint("v", r.IntN(100))
		}
		cols = append(cols, col{fmt.Sprint("c", j), strArr(v)})
	}
	ts := make([]int64, rows)
	var nulls []int
	for i := range ts {
		ts[i] = (friday + r.Int64N(365*86400)) * 1000
		if i%17 == 5 {
			nulls = append(nulls, i)
		}
	}
	return newRecord(b, append(cols, col{"ts", tsArr(arrow.Millisecond, "America/Chicago", ts, nulls...)})...)
}

// benchModel returns a binary MLP with exactly in input features.
func benchModel(b testing.TB, in int, hidden ...int) *Model {
	cols := []string{"n0", "n1", "n2", "n3", "n4", "c0", "c1", "ts"}
	pre, err := Fit(cols, FitConfig{TopK: (in - 56) / 2}, benchRecord(b, 8192, 1))
	if err != nil {
		b.Fatal(err)
	}
	if pre.NumFeatures() != in {
		b.Fatalf("%d features, want %d", pre.NumFeatures(), in)
	}
	widths := append(append([]int{in}, hidden...), 1)
	m, err := New(Spec{Task: TaskBinary, Labels: []string{"0", "1"}}, pre, mlp(b, 1, Sigmoid, widths...))
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkPredict measures Predictor.Predict, preprocessing included, on
// the shape (64 features, hidden 64, 32) and the shape kept for
// the ONNX Runtime comparison (128 features, hidden 256, 128).
func BenchmarkPredict(b *testing.B) {
	shapes := []struct {
		in     int
		hidden []int
	}{{64, []int{64, 32}}, {128, []int{256, 128}}}
	for _, s := range shapes {
		m := benchModel(b, s.in, s.hidden...)
		for _, rows := range []int{1, 1024} {
			rec := benchRecord(b, rows, 2)
			b.Run(fmt.Sprintf("in=%d/hidden=%v/batch=%d", s.in, s.hidden, rows), func(b *testing.B) {
				p := m.NewPredictor()
				out, err := p.Predict(rec, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					out, _ = p.Predict(rec, out)
				}
				b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// BenchmarkTransform measures preprocessing alone, the baseline part of
// BenchmarkPredict that no layer optimization can speed up.
func BenchmarkTransform(b *testing.B) {
	m := benchModel(b, 64)
	rec := benchRecord(b, 1024, 2)
	var x []float32
	b.ReportAllocs()
	for b.Loop() {
		x, _ = m.Preprocessor().Transform(rec, x)
	}
	b.ReportMetric(float64(1024*b.N)/b.Elapsed().Seconds(), "rows/s")
}
