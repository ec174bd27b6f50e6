package rowsel

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/modeltest"
)

func TestCompile(t *testing.T) {
	ctx, src := context.Background(), []string{modeltest.MonthlyFlights(t)}
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
	ds, err := ingest.Open(context.Background(), []string{modeltest.MonthlyFlights(t)}, ingest.Options{})
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
	sel, err := Select(ctx, []string{modeltest.MonthlyFlights(t)}, ingest.Options{}, "delay > 50 && origin == 'SEA'", []string{"date"})
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
