// Package vtest holds the test helpers that validate's subpackages share:
// the shared data folder, the flights-3m reader, generated records and
// small assertions. Only tests import it.
package vtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
)

// SharedDir is the shared data folder: $REFIT_SHARED, else the "shared"
// folder beside the repository.
func SharedDir() string {
	if d := os.Getenv("REFIT_SHARED"); d != "" {
		return d
	}
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", "..", "..", "shared")
}

// Eq reports got != want (by reflect.DeepEqual) as an error.
func Eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// Near reports |got − want| > tol as an error.
func Near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s: got %v, want %v ± %g", what, got, want, tol)
	}
}

// ReleaseAll releases every record.
func ReleaseAll(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}

// MixedSchema is the schema of GenRecord: the benchmark's mix of types.
var MixedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "category", Type: arrow.BinaryTypes.String},
	{Name: "user", Type: arrow.BinaryTypes.String},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
}, nil)

// GenRecord makes n rows starting at row start: sequential ids, normal
// amounts with 10 % nulls, 50 categories (Zipf-like), high-cardinality user
// names and increasing timestamps. The caller releases it.
func GenRecord(rng *rand.Rand, start, n int) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, MixedSchema)
	defer b.Release()
	ids := b.Field(0).(*array.Int64Builder)
	amounts := b.Field(1).(*array.Float64Builder)
	cats := b.Field(2).(*array.StringBuilder)
	users := b.Field(3).(*array.StringBuilder)
	ts := b.Field(4).(*array.TimestampBuilder)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := start; i < start+n; i++ {
		ids.Append(int64(i))
		if rng.IntN(10) == 0 {
			amounts.AppendNull()
		} else {
			amounts.Append(100 + 15*rng.NormFloat64())
		}
		cats.Append(fmt.Sprintf("cat-%02d", int(50*math.Pow(rng.Float64(), 3))))
		users.Append(fmt.Sprintf("user-%08d", rng.IntN(1<<30)))
		ts.Append(arrow.Timestamp(base + int64(i)*1_000_000))
	}
	return b.NewRecord()
}

// FloatRecord wraps values (NaN = null) as a one-column float64 record.
func FloatRecord(vals []float64) arrow.Record {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(vals, nil)
	arr := b.NewArray()
	defer arr.Release()
	return array.NewRecord(schema, []arrow.Array{arr}, int64(len(vals)))
}

// ReadFlights3M decodes flights-3m.parquet with arrow's own Parquet reader
// (not ingest, which owns Parquet for the product), one slice of records per
// row group. It skips the test when the file is missing.
func ReadFlights3M(tb testing.TB) (*arrow.Schema, [][]arrow.Record) {
	tb.Helper()
	path := filepath.Join(SharedDir(), "datasets", "flights-3m.parquet")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		tb.Skipf("%s not found (set REFIT_SHARED to the shared data folder)", path)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 65536}, memory.DefaultAllocator)
	if err != nil {
		tb.Fatal(err)
	}
	schema, err := fr.Schema()
	if err != nil {
		tb.Fatal(err)
	}
	groups := make([][]arrow.Record, pf.NumRowGroups())
	for rg := range groups {
		rr, err := fr.GetRecordReader(context.Background(), nil, []int{rg})
		if err != nil {
			tb.Fatal(err)
		}
		for rr.Next() {
			rec := rr.Record()
			rec.Retain()
			groups[rg] = append(groups[rg], rec)
		}
		if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
			tb.Fatal(err)
		}
		rr.Release()
	}
	return schema, groups
}
