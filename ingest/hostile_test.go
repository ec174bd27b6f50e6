package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
	"github.com/refit-ml/refit/internal/hostile"
)

// TestHead checks Dataset.Head yields exactly the first rows in file
// order, cut to n, across row groups and files.
func TestHead(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"a.parquet", "b.parquet"} {
		raw, err := os.ReadFile(ingesttest.WritePQ(t, ingesttest.PQRows(50+i*10), parquet.MaxRowsPerRowGroup(20)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := Open(context.Background(), []string{dir}, Options{Columns: []string{"i32", "s"}, BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for rec, err := range ds.Records(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ingesttest.RowStrings(rec)...)
	}
	for _, n := range []int64{1, 5, 7, 20, 49, 50, 51, 110, 500} {
		var got []string
		for rec, err := range ds.Head(context.Background(), n) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ingesttest.RowStrings(rec)...)
		}
		if want := all[:min(int(n), len(all))]; !slices.Equal(got, want) {
			t.Errorf("Head(%d): %d rows, want the first %d", n, len(got), len(want))
		}
	}
	for range ds.Head(context.Background(), 30) {
		break // stopping early must not panic or leak
	}
}

// zeroPages writes hostile.ZeroPages z to a file and returns its path.
func zeroPages(t testing.TB, z hostile.ZeroPages) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zeros.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := z.Write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestParquetZeroPages is issue 14's second reproduction: a file of a few
// KiB whose pages of zeros decompress to 128 MiB each. Opening it is cheap;
// reading a page is refused by MaxRatio with an error naming the file, the
// row group, the column and the page, before the page is decompressed.
func TestParquetZeroPages(t *testing.T) {
	path := zeroPages(t, hostile.ZeroPages{})
	ds, err := Open(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := ds.NumRows(); n != 8<<24 {
		t.Errorf("NumRows = %d, want %d", n, 8<<24)
	}
	before := ingesttest.HeapAllocs()
	for _, read := range []func(func(arrow.Record, error) bool){ds.Head(context.Background(), 5), ds.Records(context.Background())} {
		var err error
		for _, e := range read {
			if e != nil {
				err = e
			}
		}
		if !errors.Is(err, base.ErrLimit) || !errors.Is(err, base.ErrCorrupt) {
			t.Fatalf("err = %v, want base.ErrLimit", err)
		}
		for _, want := range []string{path, "row group", `column "c`, "page 0 at offset", "expands to 128 MiB"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to say %q", err, want)
			}
		}
	}
	if used := ingesttest.HeapAllocs() - before; used > 16<<20 {
		t.Errorf("allocated %d bytes before refusing the pages", used)
	}
}

// TestParquetZeroPagesStream reads zero pages that MaxRatio lets through:
// with batches of 64 Ki rows, a row group of 32 MiB pages is decoded a
// page and a batch at a time, and Head(5) decodes one page per column of
// the first row group only.
func TestParquetZeroPagesStream(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 256 MiB of zeros")
	}
	const page = 32 << 20
	path := zeroPages(t, hostile.ZeroPages{RowGroups: 4, PageBytes: page})
	opts := Options{Limits: base.Limits{MaxRatio: 1 << 20}, Parallelism: 1}
	ds, err := Open(context.Background(), []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	before := ingesttest.HeapAllocs()
	var rows int64
	for rec, err := range ds.Head(context.Background(), 5) {
		if err != nil {
			t.Fatal(err)
		}
		rows += rec.NumRows()
	}
	// One page per column: 2 × 32 MiB, adopted as the values without a copy.
	if used := ingesttest.HeapAllocs() - before; rows != 5 || used > 3*page {
		t.Errorf("Head(5): %d rows, allocated %d bytes, want 5 rows and less than %d", rows, used, 3*page)
	}
	rows = 0
	err = ds.Scan(context.Background(), func(_ Part, rec arrow.Record) error {
		rows += rec.NumRows()
		if v := rec.Column(0).(interface{ Value(int) int64 }).Value(int(rec.NumRows() - 1)); v != 0 {
			t.Fatalf("value %d, want 0", v)
		}
		return nil
	})
	if err != nil || rows != 4*page/8 {
		t.Errorf("Scan: %d rows, %v", rows, err)
	}
}
