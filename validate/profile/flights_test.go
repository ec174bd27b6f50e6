package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate/internal/vtest"
)

// TestFlightsArrow profiles the real flights-200k.arrow file record by
// record, one partial profile per record merged at the end, and checks the
// counts and every numeric column's quantiles against exact sorted values.
func TestFlightsArrow(t *testing.T) {
	path := filepath.Join(vtest.SharedDir(), "datasets", "flights-200k.arrow")
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found (set REFIT_SHARED to the shared data folder)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	total := New(r.Schema(), Options{})
	exact := make([][]float64, len(r.Schema().Fields()))
	for i := range r.NumRecords() {
		rec, err := r.Record(i)
		if err != nil {
			t.Fatal(err)
		}
		part := New(r.Schema(), Options{})
		if err := part.Add(rec); err != nil {
			t.Fatal(err)
		}
		mustMerge(t, total, part)
		collectFloats(exact, rec)
	}
	res := total.Result(ResultOptions{})
	if res.Rows != 200_000 {
		t.Errorf("rows %d, want 200000", res.Rows)
	}
	for i, c := range res.Columns {
		if c.Count+c.Nulls != 200_000 {
			t.Errorf("%s: count %d + nulls %d != 200000", c.Name, c.Count, c.Nulls)
		}
		if c.Numeric == nil || len(exact[i]) == 0 {
			continue
		}
		sorted := slices.Sorted(slices.Values(exact[i]))
		for _, q := range c.Numeric.Quantiles {
			if e := rankError(sorted, q.P, q.Value); e > 0.005 {
				t.Errorf("%s p%g = %g: rank error %.4f", c.Name, 100*q.P, q.Value, e)
			}
		}
		t.Logf("%s (%s): count %d, distinct %d, min %g, p50 %g, max %g", c.Name, c.Type,
			c.Count, c.Distinct, c.Numeric.Min, c.Numeric.Quantiles[3].Value, c.Numeric.Max)
	}
}

// collectFloats appends the valid values of numeric columns as float64.
func collectFloats(dst [][]float64, rec arrow.Record) {
	for i, col := range rec.Columns() {
		for j := range col.Len() {
			if col.IsNull(j) {
				continue
			}
			switch a := col.(type) {
			case *array.Int8:
				dst[i] = append(dst[i], float64(a.Value(j)))
			case *array.Int16:
				dst[i] = append(dst[i], float64(a.Value(j)))
			case *array.Int32:
				dst[i] = append(dst[i], float64(a.Value(j)))
			case *array.Int64:
				dst[i] = append(dst[i], float64(a.Value(j)))
			case *array.Float32:
				dst[i] = append(dst[i], float64(a.Value(j)))
			case *array.Float64:
				dst[i] = append(dst[i], a.Value(j))
			case *array.Timestamp:
				dst[i] = append(dst[i], float64(a.Value(j)))
			case *array.Date32:
				dst[i] = append(dst[i], float64(a.Value(j)))
			}
		}
	}
}
