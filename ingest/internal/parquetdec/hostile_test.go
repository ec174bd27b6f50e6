package parquetdec

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// decodeRows decodes data with batches of batchSize rows and returns every
// row as a string, checking each record.
func decodeRows(t *testing.T, data []byte, batchSize int) []string {
	t.Helper()
	var rows []string
	err := decodeAll(context.Background(), "t.parquet", ingesttest.BytesSource(data), ingesttest.Options{BatchSize: batchSize}, func(rec arrow.Record) error {
		if rec.NumRows() > int64(batchSize) {
			t.Errorf("record of %d rows with batches of %d", rec.NumRows(), batchSize)
		}
		if err := checkRecord(rec); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, ingesttest.RowStrings(rec)...)
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
		raw, err := os.ReadFile(ingesttest.WritePQ(t, ingesttest.PQRows(400), append(opts, parquet.Compression(&parquet.Snappy))...))
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
			before := ingesttest.HeapAllocs()
			var meta format.FileMetaData
			err := decodeFooter(c.b, &meta)
			if !errors.Is(err, base.ErrCorrupt) || errors.Is(err, base.ErrLimit) != c.limit {
				t.Errorf("err = %v, want base.ErrCorrupt (and base.ErrLimit: %v)", err, c.limit)
			}
			if used := ingesttest.HeapAllocs() - before; used > 1<<20 {
				t.Errorf("allocated %d bytes", used)
			}
		})
	}
	if err := checkThrift(emptyStructs(1000)); err != nil {
		t.Errorf("1000 empty row groups: %v", err)
	}
}
