package parquetdec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

func TestParquetTypesAgainstPQArrow(t *testing.T) {
	codecs := map[string]compress.Codec{"none": &parquet.Uncompressed, "snappy": &parquet.Snappy,
		"gzip": &parquet.Gzip, "zstd": &parquet.Zstd, "lz4raw": &parquet.Lz4Raw, "brotli": &parquet.Brotli}
	for name, codec := range codecs {
		for _, v := range []int{1, 2} {
			t.Run(fmt.Sprintf("codec=%s/page=v%d", name, v), func(t *testing.T) {
				path := ingesttest.WritePQ(t, ingesttest.PQRows(300), parquet.Compression(codec), parquet.DataPageVersion(v),
					parquet.MaxRowsPerRowGroup(128), parquet.PageBufferSize(512))
				got, warns, err := readRefit(t, path, ingesttest.Options{BatchSize: 7})
				if err != nil {
					t.Fatal(err)
				}
				defer got.release()
				if len(warns) > 0 {
					t.Errorf("warnings: %v", warns)
				}
				if got.rows != 300 {
					t.Fatalf("rows = %d", got.rows)
				}
				if name == "lz4raw" {
					return // pqarrow v17 does not implement LZ4_RAW
				}
				ref, err := readPQArrow(path)
				if err != nil {
					t.Fatal(err)
				}
				defer ref.release()
				compareTables(t, got, ref)
			})
		}
	}
}

func TestParquetTypes(t *testing.T) {
	path := ingesttest.WritePQ(t, ingesttest.PQRows(10))
	got, _, err := readRefit(t, path, ingesttest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer got.release()
	want := map[string]string{
		"b": "bool", "i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64",
		"u8": "uint8", "u16": "uint16", "u32": "uint32", "u64": "uint64",
		"f32": "float32", "f64": "float64", "s": "utf8", "dict": "utf8", "bin": "binary",
		"dec": "decimal(18, 2)", "ts_ms": "timestamp[ms, tz=UTC]", "ts_us": "timestamp[us]",
		"ts_ns": "timestamp[ns]", "date": "date32", "i96": "timestamp[ns, tz=UTC]", "delta": "int64",
		"uuid": "fixed_size_binary[16]", "list": "list<element: int32>",
	}
	for name, typ := range want {
		c := got.column(name)
		if c == nil {
			t.Errorf("column %q missing", name)
			continue
		}
		if c.DataType().String() != typ {
			t.Errorf("column %q: %s, want %s", name, c.DataType(), typ)
		}
	}
	checks := []struct {
		col  string
		row  int
		want string
	}{
		{"i8", 0, "(null)"}, {"i8", 1, "-49"}, {"u64", 1, "1152921504606846976"},
		{"dec", 0, "-50"}, {"dec", 1, "-48.99"},
		{"ts_us", 0, "2001-01-01 00:00:00Z"}, {"ts_ms", 1, "1970-01-02 00:00:00Z"},
		{"i96", 1, "2000-01-02 00:00:00.000001Z"}, {"date", 0, "2000-02-13"},
	}
	for _, c := range checks {
		if g := valueStr(got.column(c.col), c.row); g != c.want {
			t.Errorf("%s[%d] = %s, want %s", c.col, c.row, g, c.want)
		}
	}
}

func valueStr(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "(null)"
	}
	return a.ValueStr(i)
}

func TestParquetBatchesAndProjection(t *testing.T) {
	path := ingesttest.WritePQ(t, ingesttest.PQRows(300), parquet.MaxRowsPerRowGroup(100))
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(ingesttest.BytesSource(raw), base.OpenConfig{Path: path, Limits: base.WithDefaults(base.Limits{}), Mem: memory.DefaultAllocator})
	if err != nil {
		t.Fatal(err)
	}
	if d.NumUnits() != 3 || d.NumRows() != 300 {
		t.Fatalf("units %d rows %d", d.NumUnits(), d.NumRows())
	}
	i64 := d.Schema().FieldIndices("i64")[0]
	s := d.Schema().FieldIndices("s")[0]
	var sizes []int64
	err = d.ReadUnit(context.Background(), 1, []int{s, i64}, 30, func(r arrow.Record) error {
		sizes = append(sizes, r.NumRows())
		if r.NumCols() != 2 || r.Schema().Field(0).Name != "s" || r.Schema().Field(1).Name != "i64" {
			return fmt.Errorf("schema %v", r.Schema())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sizes) != "[30 30 30 10]" {
		t.Errorf("batch sizes %v", sizes)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.ReadUnit(ctx, 0, []int{s}, 10, func(arrow.Record) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
	info := d.Info()
	if info.Rows != 300 || info.Units != 3 || len(info.Columns) != d.Schema().NumFields() {
		t.Errorf("info %+v", info)
	}
}

func TestParquetLimits(t *testing.T) {
	raw, err := os.ReadFile(ingesttest.WritePQ(t, ingesttest.PQRows(50)))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]base.Limits{
		"footer":  {MaxMetadataBytes: 16},
		"columns": {MaxColumns: 3},
		"page":    {MaxPageBytes: 8},
	}
	for name, lim := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := readRefitBytes("t.parquet", raw, ingesttest.Options{Limits: lim})
			if !errors.Is(err, base.ErrLimit) || !errors.Is(err, base.ErrCorrupt) {
				t.Errorf("err = %v, want base.ErrLimit", err)
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{len(raw) / 2, len(raw) - 9, 11} {
			bad := append(append([]byte(nil), raw[:n]...), raw[len(raw)-8:]...)
			if _, _, err := readRefitBytes("t.parquet", bad, ingesttest.Options{}); err == nil {
				t.Errorf("truncated to %d: no error", n)
			}
		}
	})
}

func FuzzParquet(f *testing.F) {
	dir := filepath.Join(ingesttest.SharedDirOrEmpty(), "conformance", "parquet-testing", "data")
	for _, name := range []string{"alltypes_plain.parquet", "nested_lists.snappy.parquet", "delta_byte_array.parquet"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lim := base.Limits{MaxPageBytes: 1 << 20, MaxMetadataBytes: 1 << 20, MaxColumns: 1000}
		_, _, err := readRefitBytes("fuzz.parquet", b, ingesttest.Options{Limits: lim})
		if err != nil && bytes.Contains([]byte(err.Error()), []byte("decoder panicked")) {
			t.Fatal(err)
		}
	})
}
