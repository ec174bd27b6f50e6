package rowsel

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
)

type flight struct {
	Date   time.Time `parquet:"date,timestamp(microsecond)"`
	Delay  int64     `parquet:"delay"`
	Origin string    `parquet:"origin,dict"`
}

// testData writes 12 flights, one a month, in row groups of 4.
func testData(t *testing.T) string {
	t.Helper()
	var rows []flight
	for m := 1; m <= 12; m++ {
		rows = append(rows, flight{time.Date(2001, time.Month(m), 1, 0, 0, 0, 0, time.UTC), int64(m * 10), []string{"SEA", "SFO"}[m%2]})
	}
	path := filepath.Join(t.TempDir(), "flights.parquet")
	if err := parquet.WriteFile(path, rows, parquet.MaxRowsPerRowGroup(4)); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompile(t *testing.T) {
	ctx, src := context.Background(), []string{testData(t)}
	opts := ingest.Options{Columns: []string{"origin"}} // the expression sees every column anyway
	for where, want := range map[string]string{"": "", "delay > 30": "", "delay + 1": "true/false", "nope > 1": "nope"} {
		prog, err := Compile(ctx, src, opts, where)
		switch {
		case want == "" && err != nil:
			t.Errorf("Compile(%q): %v", where, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("Compile(%q): %v, want an error with %q", where, err, want)
		case where == "" && (prog != nil || Filter(prog) != nil):
			t.Error("an empty expression is not nil")
		}
	}
}

func TestProjection(t *testing.T) {
	ds, err := ingest.Open(context.Background(), []string{testData(t)}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prog, err := colexpr.Compile("delay > 0 && origin == 'SEA'", ds.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Projection([]string{"origin", "date"}, prog), []string{"origin", "date", "delay"}; !slices.Equal(got, want) {
		t.Errorf("Projection = %v, want %v", got, want)
	}
}

// TestSelect reads the shown columns of the rows where the expression is
// true, then writes and reads them back as Parquet.
func TestSelect(t *testing.T) {
	ctx := context.Background()
	sel, err := Select(ctx, []string{testData(t)}, ingest.Options{}, "delay > 50 && origin == 'SEA'", []string{"date"})
	if err != nil {
		t.Fatal(err)
	}
	if got := sel.Schema().NumFields(); got != 1 {
		t.Fatalf("shown columns: %d, want 1 (date)", got)
	}
	count := func(s *Selection, limit int64) (n int64) {
		for rec, err := range s.Records(ctx, limit) {
			if err != nil {
				t.Fatal(err)
			}
			if rec.NumCols() != 1 {
				t.Fatalf("record of %d columns, want 1", rec.NumCols())
			}
			n += rec.NumRows()
		}
		return n
	}
	if n := count(sel, 0); n != 4 { // the even months are SEA; June to December have delays above 50
		t.Errorf("%d rows, want 4", n)
	}
	if n := count(sel, 2); n != 2 {
		t.Errorf("limit 2: %d rows", n)
	}
	out := filepath.Join(t.TempDir(), "sub", "out.parquet")
	if err := sel.WriteParquet(ctx, out, 0); err != nil {
		t.Fatal(err)
	}
	back, err := Select(ctx, []string{out}, ingest.Options{}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(back, 0); n != 4 {
		t.Errorf("written file: %d rows, want 4", n)
	}
}
