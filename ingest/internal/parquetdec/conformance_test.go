package parquetdec

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// parquetExpectedErrors lists the parquet-testing data/ files that must
// fail, with the error class and why. Every other file must decode.
var parquetExpectedErrors = map[string]struct {
	class  error
	reason string
}{
	"large_string_map.brotli.parquet": {base.ErrLimit, "a page of 1 GiB + 4 bytes, above the default MaxPageBytes: " +
		"hostile-file protection, kept on purpose; with a raised limit it reads (TestConformanceParquetLargeStringMap)"},
	"datapage_v1-corrupt-checksum.parquet":                             {base.ErrCorrupt, "page CRC deliberately wrong; refit verifies page checksums"},
	"encrypt_columns_and_footer.parquet.encrypted":                     {base.ErrUnsupported, "encrypted"},
	"encrypt_columns_and_footer_aad.parquet.encrypted":                 {base.ErrUnsupported, "encrypted"},
	"encrypt_columns_and_footer_bloom_filter.parquet.encrypted":        {base.ErrUnsupported, "encrypted"},
	"encrypt_columns_and_footer_ctr.parquet.encrypted":                 {base.ErrUnsupported, "encrypted"},
	"encrypt_columns_and_footer_disable_aad_storage.parquet.encrypted": {base.ErrUnsupported, "encrypted"},
	"encrypt_columns_plaintext_footer.parquet.encrypted":               {base.ErrUnsupported, "encrypted"},
	"external_key_material_java.parquet.encrypted":                     {base.ErrUnsupported, "encrypted"},
	"uniform_encryption.parquet.encrypted":                             {base.ErrUnsupported, "encrypted"},
}

// pqarrowSkip lists data/ files not compared with pqarrow, and why.
var pqarrowSkip = map[string]string{
	"datapage_v2_empty_datapage.snappy.parquet": "pqarrow v17 panics in a goroutine on the empty v2 page",
	"byte_stream_split.zstd.parquet":            "pqarrow v17 returns no rows for it",
}

func parquetTestingDir(t *testing.T) string {
	dir := filepath.Join(ingesttest.SharedDir(t), "conformance", "parquet-testing")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("parquet-testing not found: %v", err)
	}
	return dir
}

func TestConformanceParquetData(t *testing.T) {
	dir := filepath.Join(parquetTestingDir(t), "data")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.Contains(name, ".parquet") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			got, warns, err := readRefit(t, path, ingesttest.Options{BatchSize: 100})
			if exp, ok := parquetExpectedErrors[name]; ok {
				if !errors.Is(err, exp.class) {
					t.Fatalf("err = %v, want %v (%s)", err, exp.class, exp.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer got.release()
			for _, w := range warns {
				t.Log("warning:", w)
			}
			if csv := strings.TrimSuffix(path, ".parquet") + "_expect.csv"; fileExists(csv) {
				compareExpectCSV(t, got, csv)
			}
			if why, ok := pqarrowSkip[name]; ok {
				t.Log("not compared with pqarrow:", why)
				return
			}
			ref, err := readPQArrow(path)
			if err != nil {
				t.Logf("pqarrow cannot read it: %v", err)
				return
			}
			defer ref.release()
			compareTables(t, got, ref)
		})
	}
}

func TestConformanceParquetBadData(t *testing.T) {
	dir := filepath.Join(parquetTestingDir(t), "bad_data")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".parquet") {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			got, _, err := readRefit(t, filepath.Join(dir, e.Name()), ingesttest.Options{})
			if err == nil {
				got.release()
				t.Logf("read without error (%d rows)", got.rows)
				return
			}
			if strings.Contains(err.Error(), "decoder panicked") {
				t.Errorf("panic instead of an error: %v", err)
			}
			if !errors.Is(err, base.ErrCorrupt) && !errors.Is(err, base.ErrUnsupported) {
				t.Errorf("err = %v, want base.ErrCorrupt or base.ErrUnsupported", err)
			}
			t.Log(err)
		})
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// compareExpectCSV compares every value with the *_expect.csv of
// parquet-testing: a header of column names, then one line per row.
func compareExpectCSV(t *testing.T, got *table, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := lines[0]
	if int64(len(lines)-1) != got.rows {
		t.Fatalf("rows = %d, csv has %d", got.rows, len(lines)-1)
	}
	for j, name := range header {
		col := got.column(name)
		if col == nil && len(header) == len(got.cols) {
			col = got.cols[j] // some headers differ in spaces or punctuation
		}
		if col == nil {
			t.Errorf("column %q missing", name)
			continue
		}
		for i, line := range lines[1:] {
			want := line[j]
			if g := csvValue(col, i); g != want {
				t.Errorf("column %q row %d = %q, want %q", name, i, g, want)
				break
			}
		}
	}
}

func csvValue(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return ""
	}
	return a.ValueStr(i)
}

// compareTables compares every column of got with the column of the same
// name of the reference: normalized type and every value.
func compareTables(t *testing.T, got, ref *table) {
	t.Helper()
	if got.rows != ref.rows {
		t.Errorf("rows = %d, pqarrow %d", got.rows, ref.rows)
	}
	for i, f := range got.schema.Fields() {
		rc := ref.column(f.Name)
		if rc == nil {
			t.Errorf("column %q not read by pqarrow", f.Name)
			continue
		}
		gt, rt := normType(f.Type), normType(rc.DataType())
		if gt != rt {
			t.Errorf("column %q: type %s, pqarrow %s", f.Name, gt, rt)
			continue
		}
		compareValues(t, f.Name, got.cols[i], rc)
	}
}

func compareValues(t *testing.T, name string, a, b arrow.Array) {
	t.Helper()
	if a.Len() != b.Len() {
		t.Errorf("column %q: %d values, pqarrow %d", name, a.Len(), b.Len())
		return
	}
	step := max(1, a.Len()/200000)
	for i := 0; i < a.Len(); i += step {
		if a.IsNull(i) != b.IsNull(i) {
			t.Errorf("column %q row %d: null %v, pqarrow %v", name, i, a.IsNull(i), b.IsNull(i))
			return
		}
		if !a.IsNull(i) && a.ValueStr(i) != b.ValueStr(i) {
			t.Errorf("column %q row %d: %s, pqarrow %s", name, i, a.ValueStr(i), b.ValueStr(i))
			return
		}
	}
}

// normType names a type ignoring field names, nullability, dictionary
// encoding and large offsets, where pqarrow and refit legitimately differ.
func normType(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.DictionaryType:
		return normType(t.ValueType)
	case *arrow.LargeStringType:
		return "utf8"
	case *arrow.LargeBinaryType:
		return "binary"
	case *arrow.ListType:
		return "list<" + normType(t.Elem()) + ">"
	case *arrow.LargeListType:
		return "list<" + normType(t.Elem()) + ">"
	case *arrow.MapType:
		return "map<" + normType(t.KeyType()) + "," + normType(t.ItemType()) + ">"
	case *arrow.StructType:
		var parts []string
		for _, f := range t.Fields() {
			parts = append(parts, f.Name+":"+normType(f.Type))
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	case *arrow.ExtensionBase:
		return fmt.Sprint(t)
	}
	return t.String()
}

// TestConformanceParquetLargeStringMap reads large_string_map.brotli.parquet
// with a raised page limit. The file (see parquet-testing's README) holds two
// rows of map<string, int32>, each {"a" * 2^30: 1}: its one key column chunk
// holds 2 GiB of strings, more than int32 offsets address, and its
// total_uncompressed_size exceeds pqLargeOffsetBytes, so the keys decode to
// large_string. It takes about 30 s and 6 GB of memory.
func TestConformanceParquetLargeStringMap(t *testing.T) {
	const why = "decodes 2 GiB of strings (about 30 s and 6 GB of memory)"
	if testing.Short() {
		t.Skip(why)
	}
	if os.Getenv("REFIT_BIG_TESTS") != "1" {
		t.Skip("set REFIT_BIG_TESTS=1: " + why)
	}
	path := filepath.Join(parquetTestingDir(t), "data", "large_string_map.brotli.parquet")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantType := arrow.MapOf(arrow.BinaryTypes.LargeString, arrow.PrimitiveTypes.Int32)
	var rows int64
	err = decodeAll(context.Background(), path, ingesttest.BytesSource(b), ingesttest.Options{Limits: base.Limits{MaxPageBytes: 2 << 30}}, func(r arrow.Record) error {
		if typ := r.Schema().Field(0).Type; !arrow.TypeEqual(typ, wantType) {
			t.Fatalf("type %s, want %s", typ, wantType)
		}
		m := r.Column(0).(*array.Map)
		keys, items := m.Keys().(*array.LargeString), m.Items().(*array.Int32)
		for i := range int(r.NumRows()) {
			if m.IsNull(i) {
				t.Fatalf("row %d is null", rows+int64(i))
			}
			start, end := m.ValueOffsets(i)
			if end-start != 1 {
				t.Fatalf("row %d has %d entries, want 1", rows+int64(i), end-start)
			}
			k := keys.Value(int(start))
			if len(k) != 1<<30 || strings.Count(k, "a") != len(k) {
				t.Errorf("row %d: key of %d bytes, want 2^30 times \"a\"", rows+int64(i), len(k))
			}
			if v := items.Value(int(start)); v != 1 {
				t.Errorf("row %d: value %d, want 1", rows+int64(i), v)
			}
		}
		rows += r.NumRows()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows != 2 {
		t.Errorf("rows = %d, want 2", rows)
	}
}
