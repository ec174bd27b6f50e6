package parquetdec

import (
	"encoding/binary"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// TestFooterLenientMirrorsFormat checks that the lenient footer types have
// the fields of their format counterparts (names, types, thrift tags), so
// that an upgrade of parquet-go that adds a field is noticed here rather
// than dropped by the conversion.
func TestFooterLenientMirrorsFormat(t *testing.T) {
	pairs := map[reflect.Type]reflect.Type{
		reflect.TypeFor[footerLenient]():                    reflect.TypeFor[format.FileMetaData](),
		reflect.TypeFor[rowGroupLenient]():                  reflect.TypeFor[format.RowGroup](),
		reflect.TypeFor[columnChunkLenient]():               reflect.TypeFor[format.ColumnChunk](),
		reflect.TypeFor[columnMetaDataLenient]():            reflect.TypeFor[format.ColumnMetaData](),
		reflect.TypeFor[kvLenient]():                        reflect.TypeFor[format.KeyValue](),
		reflect.TypeFor[thrift.Slice[rowGroupLenient]]():    reflect.TypeFor[thrift.Slice[format.RowGroup]](),
		reflect.TypeFor[thrift.Slice[columnChunkLenient]](): reflect.TypeFor[thrift.Slice[format.ColumnChunk]](),
		reflect.TypeFor[thrift.Slice[kvLenient]]():          reflect.TypeFor[thrift.Slice[format.KeyValue]](),
	}
	for lt, ft := range pairs {
		if lt.Kind() != reflect.Struct {
			continue
		}
		if lt.NumField() != ft.NumField() {
			t.Errorf("%s has %d fields, %s %d", lt, lt.NumField(), ft, ft.NumField())
			continue
		}
		for i := range lt.NumField() {
			lf, ff := lt.Field(i), ft.Field(i)
			if lf.Name != ff.Name {
				t.Errorf("%s field %d is %s, %s has %s", lt, i, lf.Name, ft, ff.Name)
			}
			if want := pairs[lf.Type]; lf.Type != ff.Type && want != ff.Type {
				t.Errorf("%s.%s is %s, %s has %s", lt, lf.Name, lf.Type, ft, ff.Type)
			}
			tag := ff.Tag.Get("thrift")
			if lt == reflect.TypeFor[kvLenient]() && lf.Name == "Value" {
				tag = "2,optional" // the one difference
			}
			if lf.Tag.Get("thrift") != tag {
				t.Errorf("%s.%s has tag %q, %s has %q", lt, lf.Name, lf.Tag.Get("thrift"), ft, tag)
			}
		}
	}
}

// TestParquetFooterKeyValueWithoutValue rewrites the footer of a generated
// file with KeyValue entries that have no value, in the file's and in a
// column chunk's key_value_metadata: parquet-go's strict types refuse it,
// refit reads it like the original.
func TestParquetFooterKeyValueWithoutValue(t *testing.T) {
	raw, err := os.ReadFile(ingesttest.WritePQ(t, ingesttest.PQRows(40)))
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint32(raw[len(raw)-8:]))
	footer := raw[len(raw)-8-n : len(raw)-8]
	var lm footerLenient
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), footer, &lm); err != nil {
		t.Fatal(err)
	}
	lm.KeyValueMetadata = append(lm.KeyValueMetadata, kvLenient{Key: "novalue"}, kvLenient{Key: "k", Value: "v"})
	cmd := &lm.RowGroups[0].Columns[0].MetaData
	cmd.KeyValueMetadata = append(cmd.KeyValueMetadata, kvLenient{Key: "foo", Value: "bar"}, kvLenient{Key: "thisiskeywithoutvalue"})
	nf, err := thrift.Marshal(new(thrift.CompactProtocol), &lm)
	if err != nil {
		t.Fatal(err)
	}
	var strict format.FileMetaData
	var missing *thrift.MissingField
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), nf, &strict); !errors.As(err, &missing) {
		t.Fatalf("strict decode of the rewritten footer: err = %v, want a missing field", err)
	}
	mod := append(append([]byte(nil), raw[:len(raw)-8-n]...), nf...)
	mod = binary.LittleEndian.AppendUint32(mod, uint32(len(nf)))
	mod = append(mod, "PAR1"...)

	want, _, err := readRefitBytes("orig.parquet", raw, ingesttest.Options{BatchSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer want.release()
	got, _, err := readRefitBytes("kv.parquet", mod, ingesttest.Options{BatchSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer got.release()
	compareTables(t, got, want)

	d, err := Open(ingesttest.BytesSource(mod), base.OpenConfig{Path: "kv.parquet", Limits: base.WithDefaults(base.Limits{}), Mem: memory.DefaultAllocator})
	if err != nil {
		t.Fatal(err)
	}
	md := d.Info().Metadata
	if v, ok := md["novalue"]; !ok || v != "" || md["k"] != "v" {
		t.Errorf("file metadata = %q", md)
	}
	kvs := d.meta.RowGroups[0].Columns[0].MetaData.KeyValueMetadata
	wantKV := []format.KeyValue{{Key: "foo", Value: "bar"}, {Key: "thisiskeywithoutvalue"}}
	if !reflect.DeepEqual([]format.KeyValue(kvs), wantKV) {
		t.Errorf("column chunk metadata = %q, want %q", kvs, wantKV)
	}
}

// TestParquetFooterStrictErrorKept checks that a footer missing a required
// field other than a KeyValue value still fails with the strict error.
func TestParquetFooterStrictErrorKept(t *testing.T) {
	raw, err := os.ReadFile(ingesttest.WritePQ(t, ingesttest.PQRows(5)))
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint32(raw[len(raw)-8:]))
	var lm footerLenient
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), raw[len(raw)-8-n:len(raw)-8], &lm); err != nil {
		t.Fatal(err)
	}
	// Without the required num_rows and row_groups both decodes fail.
	type noRows struct {
		Version int32                              `thrift:"1,required"`
		Schema  thrift.Slice[format.SchemaElement] `thrift:"2,required"`
	}
	nf, err := thrift.Marshal(new(thrift.CompactProtocol), &noRows{Version: lm.Version, Schema: lm.Schema})
	if err != nil {
		t.Fatal(err)
	}
	var meta format.FileMetaData
	err = decodeFooter(nf, &meta)
	var missing *thrift.MissingField
	if !errors.As(err, &missing) || missing.Field.ID != 3 {
		t.Errorf("err = %v, want the strict missing field 3", err)
	}
}
