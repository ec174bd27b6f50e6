// Package modeltest builds small labelled datasets and binary models on
// them, as files, for the tests of the packages that load, evaluate,
// gate, register and export models, and a small monthly flights file for
// the data commands' plumbing. It is for tests only.
package modeltest

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/model"
)

// Row is one row of the dataset: two inputs and a label that depends on
// both.
type Row struct {
	X    float64 `parquet:"x"`
	Z    float64 `parquet:"z"`
	Late bool    `parquet:"late"`
}

// Rows draws n rows from a seeded generator.
func Rows(n int, seed uint64) []Row {
	rng := rand.New(rand.NewPCG(seed, 1))
	rows := make([]Row, n)
	for i := range rows {
		x, z := rng.NormFloat64(), rng.NormFloat64()
		rows[i] = Row{X: x, Z: z, Late: x+z+rng.NormFloat64() > 1.6}
	}
	return rows
}

// WriteData writes rows as dir/holdout.parquet and returns its path.
func WriteData(t testing.TB, dir string, rows []Row) string {
	t.Helper()
	path := filepath.Join(dir, "holdout.parquet")
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

// Record is rows as an Arrow record; the caller releases it.
func Record(rows []Row) arrow.Record {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "z", Type: arrow.PrimitiveTypes.Float64},
		{Name: "late", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, r := range rows {
		b.Field(0).(*array.Float64Builder).Append(r.X)
		b.Field(1).(*array.Float64Builder).Append(r.Z)
		b.Field(2).(*array.BooleanBuilder).Append(r.Late)
	}
	return b.NewRecord()
}

// Model is a logistic model of late on x and z, fitted to rows, with
// weights wx and wz on the standardized inputs; its recorded label is
// "late".
func Model(t testing.TB, rows []Row, wx, wz float32) *model.Model {
	t.Helper()
	rec := Record(rows)
	defer rec.Release()
	pre, err := model.Fit([]string{"x", "z"}, model.FitConfig{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	d, err := model.NewDense(pre.NumFeatures(), 1, []float32{wx, wz}, []float32{-1.5}, model.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"false", "true"},
		Lineage: map[string]string{"label": "late"}}, pre, []model.Layer{d})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// SaveModel saves Model(t, rows, wx, wz) as dir/name and returns its path.
func SaveModel(t testing.TB, dir, name string, rows []Row, wx, wz float32) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := Model(t, rows, wx, wz).Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}
