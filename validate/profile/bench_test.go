package profile

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate/internal/vtest"
)

// BenchmarkProfile profiles generated mixed records (int64, float64 with
// nulls, low- and high-cardinality strings, timestamp) in 64k-row batches.
func BenchmarkProfile(b *testing.B) {
	for _, size := range []struct {
		name string
		rows int
	}{{"rows=1e5", 100_000}, {"rows=1e6", 1_000_000}} {
		b.Run(size.name, func(b *testing.B) {
			recs := genRecords(size.rows)
			defer vtest.ReleaseAll(recs)
			b.ReportAllocs()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			for b.Loop() {
				p := New(vtest.MixedSchema, Options{})
				for _, rec := range recs {
					if err := p.Add(rec); err != nil {
						b.Fatal(err)
					}
				}
			}
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(size.rows)/perOp, "rows/s")
			b.ReportMetric(perOp*1e9/float64(size.rows*len(vtest.MixedSchema.Fields())), "ns/value")
			cpuPerOp := (threadCPU() - cpu0).Seconds() / float64(b.N)
			b.ReportMetric(float64(size.rows)/cpuPerOp, "rows/cpu-s")
			b.ReportMetric(cpuPerOp*1e9/float64(size.rows*len(vtest.MixedSchema.Fields())), "cpu-ns/value")
		})
	}
}

func genRecords(rows int) []arrow.Record {
	rng := rand.New(rand.NewPCG(11, 12))
	var recs []arrow.Record
	for s := 0; s < rows; s += 65536 {
		recs = append(recs, vtest.GenRecord(rng, s, min(65536, rows-s)))
	}
	return recs
}

// BenchmarkAccumulators measures each accumulator alone on 1e6 values, the
// per-value cost split of a profile. "baseline" is a plain sum.
func BenchmarkAccumulators(b *testing.B) {
	const n = 1 << 20
	rng := rand.New(rand.NewPCG(13, 14))
	floats := make([]float64, n)
	lowKeys, highKeys := make([]uint64, n), make([]uint64, n)
	lowStr, highStr := make([][]byte, n), make([][]byte, n)
	for i := range floats {
		floats[i] = rng.NormFloat64()
		lowKeys[i] = uint64(rng.IntN(50))
		highKeys[i] = rng.Uint64()
		lowStr[i] = []byte("cat-" + strconvItoa(rng.IntN(50)))
		highStr[i] = []byte("user-" + strconvItoa(rng.IntN(1<<30)))
	}
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0 := threadCPU()
			for b.Loop() {
				f()
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/n, "ns/value")
			b.ReportMetric((threadCPU()-cpu0).Seconds()*1e9/float64(b.N)/n, "cpu-ns/value")
		})
	}
	var sink float64
	run("baseline-sum", func() {
		for _, v := range floats {
			sink += v
		}
	})
	run("moments", func() {
		var m stats.Moments
		for s := 0; s < n; s += chunkLen {
			m.AddFinite(floats[s : s+chunkLen])
		}
	})
	run("quantiles", func() {
		q := stats.NewQuantiles(0)
		for s := 0; s < n; s += chunkLen {
			q.Update(floats[s : s+chunkLen])
		}
	})
	run("hll", func() {
		d := &stats.Distinct{}
		_ = d.Materialize(func(func(uint64) bool) {})
		d.InsertKeys(highKeys)
	})
	run("topk-keys-low", func() {
		t := stats.NewTopK(0)
		t.AddKeys(lowKeys)
	})
	run("topk-keys-high", func() { // until the numeric summary overflows
		t := stats.NewTopK(0)
		for s := 0; s < n; s += chunkLen {
			if t.AddKeys(highKeys[s : s+chunkLen]) {
				t.Drop()
				break
			}
		}
	})
	for _, tc := range []struct {
		name string
		vals [][]byte
	}{{"strings-low", lowStr}, {"strings-high", highStr}} {
		run("hash+topk-"+tc.name, func() {
			t := stats.NewTopK(0)
			for i, v := range tc.vals {
				t.AddBytes(stats.HashBytes(v), v, 1)
				if i%chunkLen == 0 && t.Overflowing() {
					t.Prune()
				}
			}
		})
	}
	_ = sink
}
