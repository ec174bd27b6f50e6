package model

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
)

// flightsRecords reads the first two records (65,536 rows each, January)
// of ../shared/datasets/flights-3m.parquet with the flights model's
// columns, or skips.
func flightsRecords(b testing.TB) []arrow.Record {
	b.Helper()
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	path := filepath.Join(dir, "datasets", "flights-3m.parquet")
	if _, err := os.Stat(path); err != nil {
		b.Skip("flights data not available (set REFIT_SHARED):", err)
	}
	ds, err := ingest.Open(context.Background(), []string{path},
		ingest.Options{Columns: []string{"date", "distance", "origin", "destination"}})
	if err != nil {
		b.Fatal(err)
	}
	var recs []arrow.Record
	for rec, err := range ds.Records(context.Background()) {
		if err != nil {
			b.Fatal(err)
		}
		rec.Retain()
		b.Cleanup(rec.Release)
		if recs = append(recs, rec); len(recs) == 2 {
			break
		}
	}
	return recs
}

// flightsVariants are the flights model's shape (distance, date,
// origin, destination: 482 features with the first record's airports,
// about 75 % of them every airport; hidden 64, 32) with random weights,
// as float32, int8 (dynamic and static), 50 % sparse and 50 % sparse
// int8 layers, each on one goroutine and on two (WithThreads(2)), and
// each with the gather first layer and, as before it, the dense one.
func flightsVariants(b testing.TB, recs []arrow.Record) (names []string, models []*Model) {
	pre, err := Fit([]string{"distance", "date", "origin", "destination"}, FitConfig{}, recs[0])
	if err != nil {
		b.Fatal(err)
	}
	base, err := New(Spec{Task: TaskBinary, Labels: []string{"0", "1"}}, pre, mlp(b, 7, Sigmoid, pre.NumFeatures(), 64, 32, 1))
	if err != nil {
		b.Fatal(err)
	}
	x, err := pre.Transform(recs[1], nil)
	if err != nil {
		b.Fatal(err)
	}
	calib := staticRanges(base, x, int(recs[1].NumRows()))
	r := rand.New(rand.NewPCG(2, 2))
	pruned := func(d *Dense) *Dense {
		p, err := NewDense(d.In(), d.Out(), pruneRandom(r, d.Weights(), 0.5), d.Bias(), d.Activation())
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	convs := []struct {
		name string
		conv func(i int, d *Dense) Layer
	}{
		{"float32", func(_ int, d *Dense) Layer { return d }},
		{"int8", func(_ int, d *Dense) Layer { return benchInt8(b, d) }},
		{"int8static", func(i int, d *Dense) Layer {
			sx, zp := dynamicParams(calib[i][0], calib[i][1])
			return benchInt8Opts(b, d, Int8Options{InputScale: sx, InputZero: zp})
		}},
		{"sparse50", func(_ int, d *Dense) Layer {
			s, err := NewSparse(d.In(), d.Out(), pruned(d).Weights(), d.Bias(), d.Activation())
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
		{"sparse50int8", func(_ int, d *Dense) Layer { return benchInt8(b, pruned(d)) }},
	}
	for _, c := range convs {
		for _, threads := range []int{1, 2} {
			var layers []Layer
			for i, l := range base.Layers() {
				layers = append(layers, c.conv(i, l.(*Dense)))
			}
			for _, gather := range []bool{false, true} {
				m, err := New(base.Spec(), pre, layers)
				if err != nil {
					b.Fatal(err)
				}
				m = m.WithThreads(threads)
				path := "gather"
				if !gather {
					m.gather, m.work = false, 0
					for _, l := range m.layers {
						m.work += layerWork(l)
					}
					path = "dense"
				}
				names = append(names, fmt.Sprintf("%s/threads=%d/%s", c.name, threads, path))
				models = append(models, m)
			}
		}
	}
	return names, models
}

// BenchmarkPredictFlights measures Predict end to end, Arrow columns in
// and probabilities out (preprocessing included), on the flights model's
// shape, at batch 1024 and batch 1, for every layer variant, with the
// dense first layer (the path before the gather) and the gather. Besides
// the mean (ns/op, rows/s), it reports the median of calls timed one by
// one (batch 1: groups of 16 calls), "median-rows/s" and "median-ns":
// on a machine shared with other work the mean counts the time the
// process waited for a core, the median mostly does not.
func BenchmarkPredictFlights(b *testing.B) {
	recs := flightsRecords(b)
	names, models := flightsVariants(b, recs)
	for _, rows := range []int{1024, 1} {
		rec := recs[1].NewSlice(0, int64(rows))
		defer rec.Release()
		group := 1
		if rows == 1 {
			group = 16
		}
		for i, m := range models {
			b.Run(fmt.Sprintf("batch=%d/%s", rows, names[i]), func(b *testing.B) {
				p := m.NewPredictor()
				out, err := p.Predict(rec, nil)
				if err != nil {
					b.Fatal(err)
				}
				var times []float64
				b.ReportAllocs()
				for b.Loop() {
					start := time.Now()
					for range group {
						out, _ = p.Predict(rec, out)
					}
					times = append(times, float64(time.Since(start).Nanoseconds())/float64(group))
				}
				b.ReportMetric(float64(rows*group*b.N)/b.Elapsed().Seconds(), "rows/s")
				slices.Sort(times)
				med := times[len(times)/2]
				b.ReportMetric(med, "median-ns")
				b.ReportMetric(float64(rows)/med*1e9, "median-rows/s")
			})
		}
	}
}

// BenchmarkModelFileStages times real model files (REFIT_BENCH_MODELS, a
// comma-separated list of paths; skipped without it) on flights rows, one
// thread, stage by stage: "transform" (Arrow columns to sparse rows),
// "layers" (ForwardSparse on those rows: the gathered first layer and the
// rest) and "predict" (both, as Predict runs them, block by block), at
// batch 1024 and batch 1 (groups of 16 calls). It reports the median of
// calls timed one by one as "median-ns/row", and the benchmark
// thread's CPU time per row as "cpu-ns/row".
func BenchmarkModelFileStages(b *testing.B) {
	list := os.Getenv("REFIT_BENCH_MODELS")
	if list == "" {
		b.Skip("set REFIT_BENCH_MODELS to model files")
	}
	recs := flightsRecords(b)
	for _, rows := range []int{1024, 1} {
		rec := recs[1].NewSlice(0, int64(rows))
		defer rec.Release()
		for _, path := range strings.Split(list, ",") {
			m, err := Load(path)
			if err != nil {
				b.Fatal(err)
			}
			pre, p := m.Preprocessor(), m.NewPredictor()
			sx, err := pre.TransformSparse(rec, 0, rows, SparseRows{})
			if err != nil {
				b.Fatal(err)
			}
			out, err := p.Predict(rec, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.ForwardSparse(sx, nil); err != nil {
				b.Fatal(err)
			}
			var tx SparseRows // the transform stage's block
			stages := []struct {
				name string
				run  func()
			}{
				{"transform", func() {
					for lo := 0; lo < rows; lo += blockRows {
						tx, _ = pre.TransformSparse(rec, lo, min(lo+blockRows, rows), tx)
					}
				}},
				{"layers", func() { out, _ = p.ForwardSparse(sx, out) }},
				{"predict", func() { out, _ = p.Predict(rec, out) }},
			}
			for _, st := range stages {
				b.Run(fmt.Sprintf("batch=%d/%s/%s", rows, filepath.Base(path), st.name), func(b *testing.B) {
					group := 1
					if rows == 1 {
						group = 16
					}
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					var times []float64
					cpu0 := threadCPU()
					for b.Loop() {
						start := time.Now()
						for range group {
							st.run()
						}
						times = append(times, float64(time.Since(start).Nanoseconds())/float64(group*rows))
					}
					cpu := threadCPU() - cpu0
					slices.Sort(times)
					b.ReportMetric(times[len(times)/2], "median-ns/row")
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(len(times)*group*rows), "cpu-ns/row")
				})
			}
		}
	}
}
