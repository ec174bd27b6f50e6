package parquetdec

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

func flightsPath(t testing.TB) string {
	return filepath.Join(ingesttest.SharedDir(t), "datasets", "flights-3m.parquet")
}

func TestParquetFlights(t *testing.T) {
	path := flightsPath(t)
	if testing.Short() {
		t.Skip("decodes 3M rows; skipped with -short")
	}
	start := time.Now()
	got, warns, err := readRefit(t, path, ingesttest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer got.release()
	t.Logf("refit decoded in %v", time.Since(start))
	if len(warns) > 0 {
		t.Errorf("warnings: %v", warns)
	}
	if got.rows != 3_000_000 {
		t.Errorf("rows = %d, want 3000000", got.rows)
	}
	want := []struct {
		name string
		typ  arrow.DataType
	}{
		{"date", &arrow.TimestampType{Unit: arrow.Microsecond}},
		{"delay", arrow.PrimitiveTypes.Int64},
		{"distance", arrow.PrimitiveTypes.Int64},
		{"origin", arrow.BinaryTypes.String},
		{"destination", arrow.BinaryTypes.String},
	}
	if got.schema.NumFields() != len(want) {
		t.Fatalf("schema = %v", got.schema)
	}
	for i, w := range want {
		f := got.schema.Field(i)
		if f.Name != w.name || !arrow.TypeEqual(f.Type, w.typ) {
			t.Errorf("field %d = %s %s, want %s %s", i, f.Name, f.Type, w.name, w.typ)
		}
	}
	if s := got.column("date").ValueStr(0); s[:4] != "2001" {
		t.Errorf("first date = %s, want a wall clock time in 2001", s)
	}
	ref, err := readPQArrow(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.release()
	compareTables(t, got, ref)
}
