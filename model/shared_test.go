package model

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
)

// flightBatches reads ../shared/datasets/flights-200k.arrow (or under
// $REFIT_SHARED), skipping the test when it is absent.
func flightBatches(t testing.TB) []arrow.Record {
	t.Helper()
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	f, err := os.Open(filepath.Join(dir, "datasets", "flights-200k.arrow"))
	if err != nil {
		t.Skipf("shared data not found (set REFIT_SHARED): %v", err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var recs []arrow.Record
	for i := range r.NumRecords() {
		rec, err := r.Record(i)
		if err != nil {
			t.Fatal(err)
		}
		rec.Retain() // the reader releases its records on Close
		t.Cleanup(rec.Release)
		recs = append(recs, rec)
	}
	return recs
}

// Fitting streams over the real file's batches; predicting every batch
// gives finite probabilities without allocating.
func TestFlights200k(t *testing.T) {
	recs := flightBatches(t)
	f, err := NewFitter([]string{"distance", "time", "delay"}, FitConfig{})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, rec := range recs {
		if err := f.Add(rec); err != nil {
			t.Fatal(err)
		}
		rows += int(rec.NumRows())
	}
	pre, err := f.Preprocessor()
	if err != nil {
		t.Fatal(err)
	}
	cols := pre.Columns()
	// Sanity, not a reference: US domestic flights are a few hundred
	// miles at the median; "time" is an hour of day.
	if rows != 200_000 || cols[0].Median < 100 || cols[0].Median > 2000 || cols[1].Mean < 0 || cols[1].Mean > 24 {
		t.Fatalf("%d rows, fitted %+v", rows, cols)
	}
	m, err := New(Spec{Task: TaskBinary, Labels: []string{"on time", "late"}}, pre,
		mlp(t, 5, Sigmoid, pre.NumFeatures(), 16, 1))
	if err != nil {
		t.Fatal(err)
	}
	p := m.NewPredictor()
	var out []float32
	for _, rec := range recs {
		if out, err = p.Predict(rec, out); err != nil {
			t.Fatal(err)
		}
		for _, v := range out {
			if math.IsNaN(float64(v)) || v < 0 || v > 1 {
				t.Fatalf("probability %v", v)
			}
		}
	}
	if n := testing.AllocsPerRun(3, func() { out, _ = p.Predict(recs[0], out) }); n != 0 {
		t.Errorf("%v allocations per batch", n)
	}
	t.Logf("%d batches, %d rows, features %q", len(recs), rows, pre.FeatureNames())
}

// BenchmarkPredictFlights200k scores the whole real file (one batch of
// 200,000 rows, 3 numeric features) with hidden [64, 32].
func BenchmarkPredictFlights200k(b *testing.B) {
	recs := flightBatches(b)
	pre, err := Fit([]string{"distance", "time", "delay"}, FitConfig{}, recs...)
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(Spec{Task: TaskBinary, Labels: []string{"0", "1"}}, pre,
		mlp(b, 5, Sigmoid, pre.NumFeatures(), 64, 32, 1))
	if err != nil {
		b.Fatal(err)
	}
	p := m.NewPredictor()
	var out []float32
	b.ReportAllocs()
	for b.Loop() {
		for _, rec := range recs {
			out, _ = p.Predict(rec, out)
		}
	}
	b.ReportMetric(float64(200_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
