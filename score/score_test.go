package score

import (
	"context"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
)

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "distance", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "origin", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

func testRecord(dist []float64, origin []string) arrow.Record {
	b := array.NewRecordBuilder(memory.NewGoAllocator(), testSchema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues(dist, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(origin, nil)
	return b.NewRecord()
}

func testScorer(t *testing.T) *Scorer {
	t.Helper()
	rec := testRecord([]float64{300, 1200, 2500, 900}, []string{"ORD", "ATL", "ORD", "ATL"})
	defer rec.Release()
	pre, err := model.Fit([]string{"distance", "origin"}, model.FitConfig{TopK: 2}, rec)
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float32, pre.NumFeatures())
	w[0], w[2] = 1.5, 0.8
	layer, err := model.NewDense(pre.NumFeatures(), 1, w, []float32{-0.5}, model.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"on time", "late"}}, pre, []model.Layer{layer})
	if err != nil {
		t.Fatal(err)
	}
	return New(m, Source{Ref: "test"}, Options{})
}

// TestScoreConcurrent scores from several goroutines at once (run with
// -race) and checks every result and the summed out-of-range counts.
func TestScoreConcurrent(t *testing.T) {
	s := testScorer(t)
	rec := testRecord([]float64{2800, 400}, []string{"ORD", "SFO"})
	defer rec.Release()
	want, err := s.Score(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	const workers, calls = 4, 50
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var res Result
			for range calls {
				if _, err := s.Score(rec, &res); err != nil {
					t.Error(err)
					return
				}
				if res.Values[0] != want.Values[0] || res.Values[1] != want.Values[1] || res.Labels[0] != "late" || res.Labels[1] != "on time" {
					t.Errorf("got %v %v, want %v %v", res.Values, res.Labels, want.Values, want.Labels)
					return
				}
			}
		})
	}
	wg.Wait()
	oor := s.OutOfRange()
	n := int64(1 + workers*calls)
	if oor[0].Rows != 2*n || oor[0].Above != n || oor[1].OutOfRange != n {
		t.Errorf("out-of-range counts %+v, want rows %d, %d above, %d unseen origins", oor, 2*n, n, n)
	}
}

func TestScoreBadRecord(t *testing.T) {
	s := testScorer(t)
	schema := arrow.NewSchema([]arrow.Field{{Name: "distance", Type: arrow.PrimitiveTypes.Float64}}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).Append(1)
	rec := b.NewRecord()
	defer rec.Release()
	if _, err := s.Score(rec, nil); !errors.Is(err, model.ErrInvalidInput) {
		t.Errorf("a record without origin: %v, want ErrInvalidInput", err)
	}
	if oor := s.OutOfRange(); oor[0].Rows != 0 {
		t.Errorf("a failed batch counted: %+v", oor)
	}
}

func records(recs ...arrow.Record) iter.Seq2[arrow.Record, error] {
	return func(yield func(arrow.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// TestWriteParquet writes predictions with a kept column and checks the
// file's rows and mode (0644, not CreateTemp's 0600), and that a bad
// --keep leaves no file.
func TestWriteParquet(t *testing.T) {
	s := testScorer(t)
	rec := testRecord([]float64{2800, 400}, []string{"ORD", "SFO"})
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "p.parquet")
	if err := WriteParquet(context.Background(), path, s, testSchema, records(rec), WriteOptions{Keep: []string{"origin"}}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("stat: %v, mode %v; want 0644", err, st.Mode())
	}
	type row struct {
		Label      string  `parquet:"label"`
		Origin     *string `parquet:"origin,optional"`
		Prediction float32 `parquet:"prediction"`
	}
	rows, err := parquet.ReadFile[row](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Label != "late" || *rows[1].Origin != "SFO" || rows[1].Prediction > 0.2 {
		t.Errorf("rows %+v", rows)
	}
	bad := filepath.Join(filepath.Dir(path), "q.parquet")
	err = WriteParquet(context.Background(), bad, s, testSchema, records(rec), WriteOptions{Keep: []string{"label"}})
	var ke *KeepError
	if !errors.As(err, &ke) || ke.Column != "label" || !errors.Is(err, ingest.ErrInvalidInput) {
		t.Errorf("keeping label: %v, want a KeepError", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %v, want only p.parquet", entries)
	}
}
