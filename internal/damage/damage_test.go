package damage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/parquet-go/parquet-go"
)

type row struct {
	TS    time.Time `parquet:"ts,timestamp(microsecond)"`
	Dist  int64     `parquet:"dist"`
	Delay *float64  `parquet:"delay,optional"`
	Cat   string    `parquet:"cat,dict"`
	Flag  bool      `parquet:"flag"`
}

// writeInput writes n rows: distances 10–5000, delays of both signs (a few
// null), 20 categories.
func writeInput(t *testing.T, n int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]row, n)
	t0 := time.Date(2001, 6, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		d := math.Round(rng.NormFloat64() * 20)
		rows[i] = row{TS: t0.Add(time.Duration(i) * time.Minute), Dist: 10 + rng.Int64N(4990), Delay: &d,
			Cat: fmt.Sprintf("K%02d", rng.IntN(20)), Flag: rng.IntN(2) == 0}
		if i%97 == 0 {
			rows[i].Delay = nil
		}
	}
	path := filepath.Join(t.TempDir(), "in.parquet")
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Damage
		ok   bool
	}{
		{"nulls:distance=0.01", Damage{Nulls, "distance", 0.01}, true},
		{"duplicate=0.002", Damage{Duplicate, "", 0.002}, true},
		{"absurd:delay=1e-3", Damage{Absurd, "delay", 0.001}, true},
		{"nulls=0.01", Damage{}, false},
		{"duplicate:x=0.1", Damage{}, false},
		{"broken:x=0.1", Damage{}, false},
		{"nulls:x=1.5", Damage{}, false},
		{"nulls:x", Damage{}, false},
		{"nulls:x=abc", Damage{}, false},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.ok && (err != nil || got != tt.want) || !tt.ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, %v; want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestFile damages a file with several variants (kinds, columns, rates)
// and checks every touched row in the output: the count, and that the
// value is what the kind writes.
func TestFile(t *testing.T) {
	in := writeInput(t, 5000)
	orig, err := readTable(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.release()
	tests := []struct {
		name    string
		damages []Damage
	}{
		{"nulls 0.3%", []Damage{{Nulls, "dist", 0.003}}},
		{"nulls 5% on a column with nulls", []Damage{{Nulls, "delay", 0.05}}},
		{"negative 0.5%", []Damage{{Negative, "dist", 0.005}}},
		{"negative 2% with negatives", []Damage{{Negative, "delay", 0.02}}},
		{"absurd 0.1%", []Damage{{Absurd, "delay", 0.001}}},
		{"absurd 5%", []Damage{{Absurd, "dist", 0.05}}},
		{"unseen 1%", []Damage{{Unseen, "cat", 0.01}}},
		{"duplicate 0.3%", []Damage{{Duplicate, "", 0.003}}},
		{"all at once", []Damage{{Nulls, "dist", 0.01}, {Negative, "dist", 0.005}, {Absurd, "delay", 0.001},
			{Unseen, "cat", 0.005}, {Duplicate, "", 0.002}, {Nulls, "flag", 0.01}}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.parquet")
			rep, err := File(context.Background(), in, out, tt.damages, Options{Seed: uint64(i)})
			if err != nil {
				t.Fatal(err)
			}
			got, err := readTable(context.Background(), out)
			if err != nil {
				t.Fatal(err)
			}
			defer got.release()
			if !sameTypes(orig.schema, got.schema) || int64(got.cols[0].Len()) != rep.OutputRows {
				t.Fatalf("schema %s, %d rows; want the input's types and %d rows", got.schema, got.cols[0].Len(), rep.OutputRows)
			}
			var dups int64
			for _, a := range rep.Applied {
				want := int(math.Round(a.Rate * 5000))
				if a.Kind == Duplicate {
					dups = int64(len(a.Rows))
				}
				if len(a.Rows) < want || len(a.Rows) > want+want/10+2 {
					t.Errorf("%s touched %d rows, want %d (plus copies)", a.Damage, len(a.Rows), want)
				}
				checkRows(t, a, orig, got)
			}
			if rep.OutputRows != rep.InputRows+dups {
				t.Errorf("%d rows out of %d with %d duplicates", rep.OutputRows, rep.InputRows, dups)
			}
		})
	}
}

func sameTypes(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.Fields() {
		if a.Field(i).Name != b.Field(i).Name || !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}

// checkRows checks the value of every row a damage touched.
func checkRows(t *testing.T, a Applied, orig, got *table) {
	t.Helper()
	col := -1
	if a.Column != "" {
		col = orig.schema.FieldIndices(a.Column)[0]
	}
	var maxAbs float64
	seen := map[string]bool{}
	if col >= 0 {
		for i := range orig.cols[col].Len() {
			if orig.cols[col].IsValid(i) {
				if num := numAt(orig.cols[col]); num != nil {
					maxAbs = math.Max(maxAbs, math.Abs(num(i)))
				} else if s, ok := orig.cols[col].(*array.String); ok {
					seen[s.Value(i)] = true
				}
			}
		}
	}
	for _, r := range a.Rows {
		i := int(r)
		switch a.Kind {
		case Nulls:
			if got.cols[col].IsValid(i) {
				t.Errorf("%s: row %d not null", a.Damage, r)
			}
		case Negative:
			if v := numAt(got.cols[col])(i); !(v < 0) {
				t.Errorf("%s: row %d is %g", a.Damage, r, v)
			}
		case Absurd:
			if v := numAt(got.cols[col])(i); math.Abs(v) < 10*maxAbs {
				t.Errorf("%s: row %d is %g, not 10× beyond %g", a.Damage, r, v, maxAbs)
			}
		case Unseen:
			if v := got.cols[col].(*array.String).Value(i); seen[v] {
				t.Errorf("%s: row %d is %q, a value of the input", a.Damage, r, v)
			}
		case Duplicate:
			for c := range got.cols {
				if got.cols[c].ValueStr(i) != got.cols[c].ValueStr(i-1) {
					t.Errorf("%s: row %d differs from row %d in %s", a.Damage, r, r-1, got.schema.Field(c).Name)
				}
			}
		}
	}
}

// TestFileDeterministic: the same seed writes the same bytes, another
// seed other rows.
func TestFileDeterministic(t *testing.T) {
	in := writeInput(t, 3000)
	ds := []Damage{{Nulls, "dist", 0.01}, {Unseen, "cat", 0.01}, {Duplicate, "", 0.01}}
	var files [][]byte
	var first []int64
	for _, seed := range []uint64{3, 3, 4} {
		out := filepath.Join(t.TempDir(), "out.parquet")
		rep, err := File(context.Background(), in, out, ds, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data)
		first = append(first, rep.Applied[0].Rows[0])
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("the same seed wrote different files")
	}
	if bytes.Equal(files[0], files[2]) {
		t.Errorf("seeds 3 and 4 wrote the same file (first null rows %v)", first)
	}
}

func TestFileErrors(t *testing.T) {
	in := writeInput(t, 100)
	for _, d := range []Damage{{Negative, "cat", 0.1}, {Unseen, "dist", 0.1}, {Nulls, "missing", 0.1}, {Absurd, "ts", 0.1}} {
		_, err := File(context.Background(), in, filepath.Join(t.TempDir(), "x.parquet"), []Damage{d}, Options{})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", d, err)
		}
	}
}
