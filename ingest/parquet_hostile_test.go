package ingest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/internal/hostile"
)

// decodeRows decodes data with batches of batchSize rows and returns every
// row as a string, checking each record.
func decodeRows(t *testing.T, data []byte, batchSize int) []string {
	t.Helper()
	var rows []string
	err := decodeAll(context.Background(), "t.parquet", bytesSource{data}, Options{BatchSize: batchSize}, func(rec arrow.Record) error {
		if rec.NumRows() > int64(batchSize) {
			t.Errorf("record of %d rows with batches of %d", rec.NumRows(), batchSize)
		}
		if err := checkRecord(rec); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rowStrings(rec)...)
		return nil
	})
	if err != nil {
		t.Fatalf("batches of %d: %v", batchSize, err)
	}
	return rows
}

func writeLarge(t *testing.T, rows []largeRow, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[largeRow](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParquetBatchSizes decodes files whose pages and rows do not line up
// (small pages, lists spanning pages, dictionary and plain pages mixed, v1
// and v2 pages, int64 offsets) in batches of many sizes: every size gives
// the same rows as decoding a row group in one batch.
func TestParquetBatchSizes(t *testing.T) {
	files := map[string][]byte{}
	for _, v := range []int{1, 2} {
		opts := []parquet.WriterOption{parquet.DataPageVersion(v), parquet.PageBufferSize(300), parquet.MaxRowsPerRowGroup(170)}
		raw, err := os.ReadFile(writePQ(t, pqRows(400), append(opts, parquet.Compression(&parquet.Snappy))...))
		if err != nil {
			t.Fatal(err)
		}
		files[map[int]string{1: "types v1", 2: "types v2"}[v]] = raw
		files[map[int]string{1: "strings v1", 2: "strings v2"}[v]] = writeLarge(t, largeRows(400), opts...)
	}
	for name, raw := range files {
		t.Run(name, func(t *testing.T) {
			want := decodeRows(t, raw, 1<<20)
			if len(want) != 400 {
				t.Fatalf("%d rows, want 400", len(want))
			}
			for _, bs := range []int{1, 2, 3, 7, 64, 169, 170, 171} {
				if got := decodeRows(t, raw, bs); !slices.Equal(got, want) {
					t.Errorf("batches of %d: rows differ from one batch per row group", bs)
				}
			}
		})
	}
	t.Run("large offsets", func(t *testing.T) {
		forceLargeOffsets(t)
		raw := files["strings v1"]
		want := decodeRows(t, raw, 1<<20)
		for _, bs := range []int{1, 5, 64} {
			if got := decodeRows(t, raw, bs); !slices.Equal(got, want) {
				t.Errorf("batches of %d: rows differ from one batch per row group", bs)
			}
		}
	})
}

// TestHead checks Dataset.Head yields exactly the first rows in file
// order, cut to n, across row groups and files.
func TestHead(t *testing.T) {
	dir := t.TempDir()
	for i, name := range []string{"a.parquet", "b.parquet"} {
		raw, err := os.ReadFile(writePQ(t, pqRows(50+i*10), parquet.MaxRowsPerRowGroup(20)))
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
		all = append(all, rowStrings(rec)...)
	}
	for _, n := range []int64{1, 5, 7, 20, 49, 50, 51, 110, 500} {
		var got []string
		for rec, err := range ds.Head(context.Background(), n) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, rowStrings(rec)...)
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
	before := heapAllocs()
	for _, read := range []func(func(arrow.Record, error) bool){ds.Head(context.Background(), 5), ds.Records(context.Background())} {
		var err error
		for _, e := range read {
			if e != nil {
				err = e
			}
		}
		if !errors.Is(err, ErrLimit) || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("err = %v, want ErrLimit", err)
		}
		for _, want := range []string{path, "row group", `column "c`, "page 0 at offset", "expands to 128 MiB"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to say %q", err, want)
			}
		}
	}
	if used := heapAllocs() - before; used > 16<<20 {
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
	opts := Options{Limits: Limits{MaxRatio: 1 << 20}, Parallelism: 1}
	ds, err := Open(context.Background(), []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	before := heapAllocs()
	var rows int64
	for rec, err := range ds.Head(context.Background(), 5) {
		if err != nil {
			t.Fatal(err)
		}
		rows += rec.NumRows()
	}
	// One page per column: 2 × 32 MiB, adopted as the values without a copy.
	if used := heapAllocs() - before; rows != 5 || used > 3*page {
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

// TestCheckThrift feeds the footer decoder thrift whose sizes parquet-go
// would allocate blindly.
func TestCheckThrift(t *testing.T) {
	// row_groups (field 4): a list of n structs, each an empty struct.
	emptyStructs := func(n int) []byte {
		b := []byte{0x49, 0xfc}
		b = binary.AppendUvarint(b, uint64(n))
		b = append(b, make([]byte, n)...)
		return append(b, 0)
	}
	cases := map[string]struct {
		b     []byte
		limit bool
	}{
		"list of 2^31-1 structs": {append([]byte{0x49, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07}, 0), false},
		"binary of 2 GiB":        {append([]byte{0x68, 0x80, 0x80, 0x80, 0x80, 0x08}, 0), false},
		"4 Mi empty row groups":  {emptyStructs(4 << 20), true},
		"varint of 11 bytes":     {append([]byte{0x36}, bytes.Repeat([]byte{0xff}, 11)...), false},
		"nested 100 deep":        {append(bytes.Repeat([]byte{0x1c}, 100), make([]byte, 101)...), false},
		"type 13":                {[]byte{0x1d, 0}, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			before := heapAllocs()
			var meta format.FileMetaData
			err := decodeFooter(c.b, &meta)
			if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrLimit) != c.limit {
				t.Errorf("err = %v, want ErrCorrupt (and ErrLimit: %v)", err, c.limit)
			}
			if used := heapAllocs() - before; used > 1<<20 {
				t.Errorf("allocated %d bytes", used)
			}
		})
	}
	if err := checkThrift(emptyStructs(1000)); err != nil {
		t.Errorf("1000 empty row groups: %v", err)
	}
}
