package drift

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/validate/profile"
)

// parquetFiles writes m as Parquet: files of at most fileRows rows, row
// groups of rgRows rows. It returns the files' bytes.
func parquetFiles(t *testing.T, m monthRows, fileRows, rgRows int) [][]byte {
	t.Helper()
	var out [][]byte
	for s := 0; s < len(m.origin); s += fileRows {
		e := min(s+fileRows, len(m.origin))
		ob := array.NewStringBuilder(memory.DefaultAllocator)
		ob.AppendValues(m.origin[s:e], nil)
		kb := array.NewInt64Builder(memory.DefaultAllocator)
		kb.AppendValues(m.distance[s:e], nil)
		oa, ka := ob.NewArray(), kb.NewArray()
		rec := array.NewRecord(monthSchema, []arrow.Array{oa, ka}, int64(e-s))
		tbl := array.NewTableFromRecords(monthSchema, []arrow.Record{rec})
		var buf bytes.Buffer
		err := pqarrow.WriteTable(tbl, &buf, int64(rgRows), parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
		for _, r := range []interface{ Release() }{tbl, rec, oa, ka, ob, kb} {
			r.Release()
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}

// profileParquet profiles the files' row groups as parts (arrow's own
// reader, 10,000-row batches), merged in file and row-group order.
func profileParquet(t *testing.T, files [][]byte) *profile.Profile {
	t.Helper()
	total := profile.New(monthSchema, profile.Options{})
	for _, b := range files {
		pf, err := file.NewParquetReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 10_000}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		for rg := range pf.NumRowGroups() {
			part := profile.New(monthSchema, profile.Options{})
			rr, err := fr.GetRecordReader(context.Background(), nil, []int{rg})
			if err != nil {
				t.Fatal(err)
			}
			for rr.Next() {
				if err := part.Add(rr.Record()); err != nil {
					t.Fatal(err)
				}
			}
			if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			rr.Release()
			if err := total.Merge(part); err != nil {
				t.Fatal(err)
			}
		}
		pf.Close()
	}
	return total
}

// TestFlightsParquetLayouts writes flights January and June as Parquet in
// different layouts (one file of 65,536-row row groups; files of 150,001
// rows with 9,973-row row groups) and checks that drift gives the same
// bits from each as from the rows profiled in memory, whose figures
// TestFlightsDriftScipy checks against scipy.
func TestFlightsParquetLayouts(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 3M rows and writes 1M")
	}
	months := flightsMonths(t)
	layouts := []struct{ fileRows, rgRows int }{{1 << 30, 65536}, {150_001, 9_973}}
	mem, err := Compare(context.Background(), profileLayout(t, months[0], 65536, 1<<30, profile.Options{}),
		profileLayout(t, months[1], 65536, 1<<30, profile.Options{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := fmt.Sprint(flightsFigures(t, mem))
	for _, l := range layouts {
		ref := profileParquet(t, parquetFiles(t, months[0], l.fileRows, l.rgRows))
		cur := profileParquet(t, parquetFiles(t, months[1], l.fileRows, l.rgRows))
		r, err := Compare(context.Background(), ref, cur, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(flightsFigures(t, r))
		t.Logf("files of %d rows, row groups of %d: %s", l.fileRows, l.rgRows, got)
		if got != first {
			t.Errorf("files of %d rows, row groups of %d: %s, in memory %s", l.fileRows, l.rgRows, got, first)
		}
	}
}
