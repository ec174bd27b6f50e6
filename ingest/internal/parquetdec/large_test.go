package parquetdec

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// largeRow has string and binary columns in every encoding refit decodes
// them from, plainly, nested in a list and in a map.
type largeRow struct {
	S     *string          `parquet:"s,optional"`
	Req   string           `parquet:"req"`
	Dict  *string          `parquet:"dict,optional,dict"`
	Delta string           `parquet:"delta,delta"`
	Bin   []byte           `parquet:"bin,optional"`
	List  []string         `parquet:"list,list"`
	Map   map[string]int32 `parquet:"map"`
	N     int32            `parquet:"n"`
}

func largeRows(n int) []largeRow {
	rows := make([]largeRow, n)
	for i := range rows {
		r := &rows[i]
		if i%4 != 0 {
			s, d := strings.Repeat("x", i%7)+string(rune('a'+i%26)), []string{"p", "q", "r"}[i%3]
			r.S, r.Dict, r.Bin = &s, &d, []byte{byte(i), 0, byte(i >> 8)}
		}
		r.Req = "req" + strings.Repeat("-", i%5)
		r.Delta = "prefix/" + string(rune('A'+i%26))
		for j := range i % 3 {
			r.List = append(r.List, strings.Repeat("l", j+i%4))
		}
		if i%2 == 0 {
			r.Map = map[string]int32{"k" + string(rune('a'+i%26)): int32(i)}
		}
		r.N = int32(i)
	}
	return rows
}

// forceLargeOffsets makes every string and binary leaf of the files opened
// until the test ends decode with int64 offsets.
func forceLargeOffsets(t *testing.T) {
	old := pqLargeOffsetBytes
	pqLargeOffsetBytes = -1
	t.Cleanup(func() { pqLargeOffsetBytes = old })
}

// largeName is the Arrow type name with large offsets of a type name.
func largeName(typ string) string {
	return strings.NewReplacer("utf8", "large_utf8", "binary", "large_binary").Replace(typ)
}

// TestParquetLargeOffsets decodes a small file through the int64-offset
// path of big column chunks, forced with pqLargeOffsetBytes, and compares
// it with the normal path: the same values, large_string and large_binary
// in place of string and binary.
func TestParquetLargeOffsets(t *testing.T) {
	for _, v := range []int{1, 2} {
		path := filepath.Join(t.TempDir(), "large.parquet")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := parquet.NewGenericWriter[largeRow](f, parquet.DataPageVersion(v), parquet.PageBufferSize(256),
			parquet.MaxRowsPerRowGroup(150), parquet.Compression(&parquet.Snappy))
		if _, err := w.Write(largeRows(400)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := readRefitBytes(path, raw, ingesttest.Options{BatchSize: 33})
		if err != nil {
			t.Fatal(err)
		}
		defer want.release()
		t.Run(map[int]string{1: "page=v1", 2: "page=v2"}[v], func(t *testing.T) {
			forceLargeOffsets(t)
			got, _, err := readRefitBytes(path, raw, ingesttest.Options{BatchSize: 33})
			if err != nil {
				t.Fatal(err)
			}
			defer got.release()
			if got.rows != 400 {
				t.Fatalf("rows = %d", got.rows)
			}
			for i, f := range want.schema.Fields() {
				g := got.schema.Field(i)
				if g.Type.String() != largeName(f.Type.String()) || g.Name != f.Name {
					t.Errorf("column %q: %s, want %s", g.Name, g.Type, largeName(f.Type.String()))
				}
			}
			compareTables(t, got, want)
		})
	}
}

// TestConformanceParquetLargeOffsets decodes every parquet-testing file
// that refit reads through the forced int64-offset path and compares the
// values with the normal path.
func TestConformanceParquetLargeOffsets(t *testing.T) {
	dir := filepath.Join(parquetTestingDir(t), "data")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	large := 0
	for _, e := range entries {
		name := e.Name()
		if _, bad := parquetExpectedErrors[name]; bad || !strings.HasSuffix(name, ".parquet") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := readRefitBytes(name, raw, ingesttest.Options{BatchSize: 100})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Run(name, func(t *testing.T) {
			defer want.release()
			forceLargeOffsets(t)
			got, _, err := readRefitBytes(name, raw, ingesttest.Options{BatchSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			defer got.release()
			for i, f := range got.schema.Fields() {
				if strings.Contains(f.Type.String(), "large_") {
					large++
				}
				if normType(f.Type) != normType(want.schema.Field(i).Type) {
					t.Errorf("column %q: %s, normal path %s", f.Name, f.Type, want.schema.Field(i).Type)
				}
			}
			compareTables(t, got, want)
		})
	}
	if large == 0 {
		t.Error("no column took the large-offset path")
	}
}

// TestParquetLargeOffsetsOnlyStrings checks that the large path is chosen
// only for string and binary columns, from the footer's chunk sizes.
func TestParquetLargeOffsetsOnlyStrings(t *testing.T) {
	raw, err := os.ReadFile(ingesttest.WritePQ(t, ingesttest.PQRows(20)))
	if err != nil {
		t.Fatal(err)
	}
	forceLargeOffsets(t)
	got, _, err := readRefitBytes("t.parquet", raw, ingesttest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer got.release()
	for _, f := range got.schema.Fields() {
		isLarge := f.Type.ID() == arrow.LARGE_STRING || f.Type.ID() == arrow.LARGE_BINARY
		wantLarge := f.Name == "s" || f.Name == "dict" || f.Name == "bin"
		if isLarge != wantLarge {
			t.Errorf("column %q: %s", f.Name, f.Type)
		}
	}
}

// mixedDictFile is a Parquet file whose one string column chunk holds a
// dictionary page, a dictionary-encoded page, a PLAIN page (a writer's
// fallback when the dictionary grows too big) and again a dictionary-encoded
// page: the decoder leaves dictionary mode and materializes indices.
func mixedDictFile(t *testing.T) ([]byte, []string) {
	t.Helper()
	proto := new(thrift.CompactProtocol)
	plain := func(vals ...string) []byte {
		var b []byte
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
			b = append(b, v...)
		}
		return b
	}
	indices := func(idx ...byte) []byte {
		b := []byte{2} // bit width
		for _, ix := range idx {
			b = append(b, 1<<1, ix) // an RLE run of one value
		}
		return b
	}
	page := func(h format.PageHeader, body []byte) []byte {
		h.UncompressedPageSize, h.CompressedPageSize = int32(len(body)), int32(len(body))
		b, err := thrift.Marshal(proto, &h)
		if err != nil {
			t.Fatal(err)
		}
		return append(b, body...)
	}
	data := func(enc format.Encoding, n int32, body []byte) []byte {
		return page(format.PageHeader{Type: format.DataPage, DataPageHeader: thrift.New(format.DataPageHeader{
			NumValues: n, Encoding: enc, DefinitionLevelEncoding: format.RLE, RepetitionLevelEncoding: format.RLE})}, body)
	}
	file := []byte("PAR1")
	file = append(file, page(format.PageHeader{Type: format.DictionaryPage, DictionaryPageHeader: thrift.New(
		format.DictionaryPageHeader{NumValues: 3, Encoding: format.Plain})}, plain("alpha", "beta", "gamma"))...)
	dataStart := int64(len(file))
	file = append(file, data(format.RLEDictionary, 4, indices(0, 1, 2, 1))...)
	file = append(file, data(format.Plain, 2, plain("delta", "epsilon"))...)
	file = append(file, data(format.RLEDictionary, 2, indices(2, 0))...)
	chunk := int64(len(file)) - 4
	meta := format.FileMetaData{
		Version: 1,
		Schema: []format.SchemaElement{
			{Name: "schema", NumChildren: thrift.New(int32(1))},
			{Name: "s", Type: thrift.New(format.ByteArray), RepetitionType: thrift.New(format.Required),
				ConvertedType: thrift.New(deprecated.UTF8)},
		},
		NumRows: 8,
		RowGroups: []format.RowGroup{{NumRows: 8, TotalByteSize: chunk, Columns: []format.ColumnChunk{{
			FileOffset: 4,
			MetaData: format.ColumnMetaData{
				Type: format.ByteArray, Encoding: []format.Encoding{format.Plain, format.RLEDictionary},
				PathInSchema: []string{"s"}, Codec: format.Uncompressed, NumValues: 8,
				TotalUncompressedSize: chunk, TotalCompressedSize: chunk,
				DataPageOffset: dataStart, DictionaryPageOffset: 4,
			},
		}}}},
	}
	footer, err := thrift.Marshal(proto, &meta)
	if err != nil {
		t.Fatal(err)
	}
	file = append(file, footer...)
	file = binary.LittleEndian.AppendUint32(file, uint32(len(footer)))
	file = append(file, "PAR1"...)
	return file, []string{"alpha", "beta", "gamma", "beta", "delta", "epsilon", "gamma", "alpha"}
}

// TestParquetLargeOffsetsMixedDict decodes mixedDictFile through both
// paths.
func TestParquetLargeOffsetsMixedDict(t *testing.T) {
	raw, vals := mixedDictFile(t)
	check := func(t *testing.T, wantType arrow.DataType) {
		got, _, err := readRefitBytes("mixed.parquet", raw, ingesttest.Options{BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		defer got.release()
		if !arrow.TypeEqual(got.schema.Field(0).Type, wantType) {
			t.Errorf("type %s, want %s", got.schema.Field(0).Type, wantType)
		}
		if got.rows != int64(len(vals)) {
			t.Fatalf("rows = %d", got.rows)
		}
		for i, want := range vals {
			if g := got.cols[0].ValueStr(i); g != want {
				t.Errorf("row %d = %q, want %q", i, g, want)
			}
		}
	}
	t.Run("normal", func(t *testing.T) { check(t, arrow.BinaryTypes.String) })
	t.Run("large", func(t *testing.T) {
		forceLargeOffsets(t)
		check(t, arrow.BinaryTypes.LargeString)
	})
}
