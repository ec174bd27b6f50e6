package parquetdec

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
	"golang.org/x/sync/errgroup"
)

// BenchmarkDecodeFlights decodes all of flights-3m.parquet into Arrow
// records with refit's decoder and with arrow's pqarrow, both decoding row
// groups GOMAXPROCS at a time.
func BenchmarkDecodeFlights(b *testing.B) {
	path := flightsPath(b)
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	const rows = 3_000_000
	b.Run("reader=refit", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if n := decodeRefitParallel(b, raw); n != rows {
				b.Fatalf("rows = %d", n)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("reader=pqarrow", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			if n := decodePQArrow(b, raw); n != rows {
				b.Fatalf("rows = %d", n)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

func decodeRefitParallel(b *testing.B, raw []byte) int64 {
	cfg := base.OpenConfig{Path: "flights", Limits: base.WithDefaults(base.Limits{}), Mem: memory.DefaultAllocator}
	d, err := Open(ingesttest.BytesSource(raw), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	cols := make([]int, d.Schema().NumFields())
	for i := range cols {
		cols[i] = i
	}
	counts := make([]int64, d.NumUnits())
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for u := range d.NumUnits() {
		g.Go(func() error {
			return d.ReadUnit(context.Background(), u, cols, 65536, func(r arrow.Record) error {
				counts[u] += r.NumRows()
				return nil
			})
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

func decodePQArrow(b *testing.B, raw []byte) int64 {
	rdr, err := file.NewParquetReader(bytes.NewReader(raw))
	if err != nil {
		b.Fatal(err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{Parallel: true, BatchSize: 65536}, memory.DefaultAllocator)
	if err != nil {
		b.Fatal(err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer rr.Release()
	var n int64
	for rr.Next() {
		n += rr.Record().NumRows()
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		b.Fatal(err)
	}
	return n
}
