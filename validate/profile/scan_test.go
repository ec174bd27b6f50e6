package profile

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
)

func TestProfileDataset(t *testing.T) {
	type row struct {
		Month int64   `parquet:"month"`
		Delay float64 `parquet:"delay"`
	}
	dir := t.TempDir()
	var rows []row
	for i := range 1000 {
		rows = append(rows, row{Month: int64(i%12 + 1), Delay: float64(i)})
	}
	for _, name := range []string{"a", "b"} {
		if err := parquet.WriteFile(filepath.Join(dir, name+".parquet"), rows, parquet.MaxRowsPerRowGroup(100)); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := ingest.Open(context.Background(), []string{dir}, ingest.Options{BatchSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	where, err := colexpr.Compile("month <= 2", ds.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	for _, opts := range []ScanOptions{{}, {Where: where}} {
		opts.Progress = func(int64) { calls.Add(1) }
		p, err := Scan(context.Background(), ds, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := int64(2000)
		if opts.Where != nil {
			want = 2 * 168 // i%12 in {0, 1}: 84 + 84 of 1000 rows, in two files
		}
		if p.Rows != want {
			t.Errorf("where=%v: rows = %d, want %d", opts.Where != nil, p.Rows, want)
		}
	}
	if calls.Load() == 0 {
		t.Error("progress was never called")
	}
}
