package expect

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

// lastArrival is the latest arrival of tripRows.
var lastArrival = tripT0.Add(9 * time.Hour)

// want is the expected finding in short form: check/column, failing of
// total and example rows with values ("4=1000").
type want struct {
	check    string
	failing  int64
	total    int64
	examples string
}

func TestCheckFindings(t *testing.T) {
	ds, prof := tripData(t)
	tests := []struct {
		name  string
		yaml  string
		now   time.Time
		want  []want
		pass1 bool // answered without a row pass
	}{
		{"rows pass", "rows: {min: 5, max: 20}", time.Time{}, nil, true},
		{"rows fail", "rows: {min: 11}", time.Time{}, []want{{"rows", 0, 0, ""}}, true},
		{"schema pass", "columns: {id: {type: int64}}", time.Time{}, nil, true},
		{"schema retyped", "columns: {id: {type: int32}}", time.Time{}, []want{{"schema/id", 0, 0, ""}}, true},
		{"schema missing", "columns: {gate: {type: utf8}}", time.Time{}, []want{{"schema/gate", 0, 0, ""}}, true},
		{"schema extra", "schema: {allow_extra_columns: false}\ncolumns: {id: {}, origin: {}, code: {}, delay: {}}", time.Time{},
			[]want{{"schema/dep", 0, 0, ""}, {"schema/arr", 0, 0, ""}}, true},
		{"nulls pass", "columns: {code: {nulls: {max_fraction: 0.1}}}", time.Time{}, nil, true},
		{"nulls fail", "columns: {code: {nulls: {max_fraction: 0.05}}}", time.Time{}, []want{{"nulls/code", 1, 10, "3=null"}}, false},
		{"range pass", "columns: {delay: {range: {min: -10, max: 2000}}}", time.Time{}, nil, true},
		{"range fail", "columns: {delay: {range: {min: -10, max: 100}}}", time.Time{}, []want{{"range/delay", 1, 9, "4=1000"}}, false},
		{"range soft pass", "columns: {delay: {range: {min: 0, max: 100, max_outside_fraction: 0.25}}}", time.Time{}, nil, false},
		{"range soft fail", "columns: {delay: {range: {min: 0, max: 100, max_outside_fraction: 0.2}}}", time.Time{},
			[]want{{"range/delay", 2, 9, "3=-5 4=1000"}}, false},
		{"range time pass", "columns: {arr: {range: {min: 2024-03-01T07:00:00Z}}}", time.Time{}, nil, true},
		{"range time fail", "columns: {dep: {range: {max: 2024-03-01T12:00:00Z}}}", time.Time{},
			[]want{{"range/dep", 2, 10, "7=2024-03-01T13:00:00Z 8=2024-03-01T14:00:00Z"}}, false},
		{"values pass", "columns: {origin: {values: {allowed: [SEA, LAX, JFK, XXX]}}}", time.Time{}, nil, true},
		{"values fail", "columns: {origin: {values: {allowed: [SEA, LAX, JFK]}}}", time.Time{}, []want{{"values/origin", 1, 10, "6=XXX"}}, false},
		{"values numbers fail", "columns: {id: {values: {allowed: [1, 2, 3, 4, 5, 7, 8]}}}", time.Time{}, []want{{"values/id", 1, 10, "8=9"}}, false},
		{"pattern pass", "columns: {code: {pattern: {regex: '^[A-Za-z]{2}[0-9]+$'}}}", time.Time{}, nil, true},
		{"pattern fail", "columns: {code: {pattern: {regex: '^[A-Z]{2}[0-9]+$'}}}", time.Time{}, []want{{"pattern/code", 1, 9, "2=aa3"}}, false},
		{"unique pass", "columns: {dep: {unique: {max_duplicate_fraction: 0.1}}}", time.Time{}, nil, true},
		{"unique fail", "columns: {id: {unique: {}}}", time.Time{}, []want{{"unique/id", 2, 10, "5=5 9=1"}}, false},
		{"duplicate rows fail", "duplicate_rows: {max_fraction: 0}", time.Time{}, []want{{"duplicate_rows", 1, 10,
			"9=1, SEA, AA1, 5, 2024-03-01T06:00:00Z, 2024-03-01T08:00:00Z"}}, false},
		{"duplicate rows pass", "duplicate_rows: {max_fraction: 0.1}", time.Time{}, nil, false},
		{"duplicate rows on columns fail", "duplicate_rows: {max_fraction: 0.5, columns: [origin]}", time.Time{},
			[]want{{"duplicate_rows", 6, 10, "2=SEA 4=SEA 5=LAX 7=SEA 8=LAX"}}, false},
		{"duplicate rows on columns pass", "duplicate_rows: {max_fraction: 0, columns: [id, dep]}", time.Time{},
			[]want{{"duplicate_rows", 1, 10, "9=1, 2024-03-01T06:00:00Z"}}, false},
		{"negatives pass", "columns: {delay: {negatives: {max_fraction: 0.2}}}", time.Time{}, nil, true},
		{"negatives fail", "columns: {delay: {negatives: {max_fraction: 0}}}", time.Time{}, []want{{"negatives/delay", 1, 9, "3=-5"}}, false},
		{"negatives none", "columns: {id: {negatives: {max_fraction: 0}}}", time.Time{}, nil, true},
		{"freshness pass", "columns: {arr: {freshness: {max_age: 24h}}}", lastArrival.Add(time.Hour), nil, true},
		{"freshness fail", "columns: {arr: {freshness: {max_age: 24h}}}", lastArrival.Add(48 * time.Hour), []want{{"freshness/arr", 0, 0, ""}}, true},
		{"rule pass", "rules: [{name: positive_id, expr: id > 0}]", time.Time{}, nil, false},
		{"rule fail", "rules: [{name: arrives_after, expr: arr >= dep}]", time.Time{}, []want{{"rule/arrives_after", 1, 10,
			"8=dep=2024-03-01T14:00:00Z, arr=2024-03-01T13:00:00Z"}}, false},
		{"rule with nulls skipped", "rules: [{name: small_delay, expr: delay < 100}]", time.Time{}, []want{{"rule/small_delay", 1, 9, "4=delay=1000"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exp, err := Decode([]byte("version: 1\n"+tt.yaml+"\n"), "test.yaml")
			if err != nil {
				t.Fatal(err)
			}
			res, err := Check(context.Background(), ds, prof, exp, CheckOptions{Now: tt.now})
			if err != nil {
				t.Fatal(err)
			}
			if res.RowPass == tt.pass1 {
				t.Errorf("row pass = %v, want %v", res.RowPass, !tt.pass1)
			}
			got := shortFindings(res.Findings)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("findings:\n got %v\nwant %v\nfull: %+v", got, tt.want, res.Findings)
			}
		})
	}
}

func shortFindings(fs []Finding) []want {
	var out []want
	for _, f := range fs {
		name := f.Check
		if f.Column != "" {
			name += "/" + f.Column
		}
		if f.Rule != "" {
			name += "/" + f.Rule
		}
		var ex []string
		for _, e := range f.Examples {
			ex = append(ex, fmt.Sprintf("%d=%s", e.Row, e.Value))
		}
		out = append(out, want{name, f.Failing, f.Total, strings.Join(ex, " ")})
	}
	return out
}

func TestCheckFindingDetails(t *testing.T) {
	ds, prof := tripData(t)
	exp, err := Decode([]byte(`version: 1
severity: warn
columns:
  delay:
    severity: error
    range: {min: -10, max: 100}
    nulls: {max_fraction: 0, severity: warn}
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), ds, prof, exp, CheckOptions{MaxExamples: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Findings {
		for j, e := range res.Findings[i].Examples {
			res.Findings[i].Examples[j].File = filepath.Base(e.File)
		}
	}
	got := fmt.Sprintf("%+v", res.Findings)
	want := "[{Check:nulls Column:delay Rule: Severity:warn Expected:null fraction <= 0% Observed:1 of 10 (10%) Failing:1 Total:10 Fraction:0.1 Examples:[{Row:1 File:trips.parquet FileRow:1 Value:null}] Files:[]} " +
		"{Check:range Column:delay Rule: Severity:error Expected:values within [-10, 100] Observed:min -5, max 1000; 1 of 9 (11.11%) Failing:1 Total:9 Fraction:0.1111111111111111 Examples:[{Row:4 File:trips.parquet FileRow:4 Value:1000}] Files:[]}]"
	if got != want {
		t.Errorf("findings:\n got %s\nwant %s", got, want)
	}
	if !res.Failed() || res.Count(SeverityWarn) != 1 || res.Checks != 3 {
		t.Errorf("failed %v, warn %d, checks %d", res.Failed(), res.Count(SeverityWarn), res.Checks)
	}
}

func TestCheckMismatchedExpectations(t *testing.T) {
	ds, prof := tripData(t)
	exp, err := Decode([]byte(`version: 1
columns:
  origin:
    range: {min: 0}
  delay:
    pattern: {regex: x}
    freshness: {max_age: 1h}
rules:
  - {name: r, expr: nope > 1}
`), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Check(context.Background(), ds, prof, exp, CheckOptions{})
	if !errors.Is(err, ErrInvalidExpectations) {
		t.Fatalf("err = %v, want ErrInvalidExpectations", err)
	}
	for _, w := range []string{"m.yaml:4:5: range on column \"origin\"", "m.yaml:6:5: pattern on column \"delay\"",
		"m.yaml:7:5: freshness on column \"delay\"", "m.yaml:9:15: rule \"r\""} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}

func TestCheckKeyCap(t *testing.T) {
	ds, prof := tripData(t)
	exp, err := Decode([]byte("version: 1\nduplicate_rows: {max_fraction: 0}\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(context.Background(), ds, prof, exp, CheckOptions{MaxKeys: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Observed, "memory cap") {
		t.Errorf("findings = %+v, want one saying the memory cap was exceeded", res.Findings)
	}
}

// TestCheckExamplePlaces splits the trips over two files (rows 0–4 and
// 5–9, row groups of 2): every example names its file and its row there.
func TestCheckExamplePlaces(t *testing.T) {
	dir := t.TempDir()
	rows := tripRows()
	var paths []string
	for i, part := range [][]trip{rows[:5], rows[5:]} {
		p := filepath.Join(dir, fmt.Sprintf("part-%d.parquet", i))
		if err := parquet.WriteFile(p, part, parquet.MaxRowsPerRowGroup(2)); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	ctx := context.Background()
	ds, err := ingest.Open(ctx, paths, ingest.Options{BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Scan(ctx, ds, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	exp, err := Decode([]byte(`version: 1
duplicate_rows: {max_fraction: 0}
columns:
  delay: {negatives: {max_fraction: 0}, range: {min: -10, max: 100}}
  origin: {values: {allowed: [SEA, LAX, JFK]}}
`), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check(ctx, ds, prof, exp, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		for _, e := range f.Examples {
			got = append(got, fmt.Sprintf("%s %d %s:%d", f.Check, e.Row, filepath.Base(e.File), e.FileRow))
		}
	}
	want := []string{"range 4 part-0.parquet:4", "negatives 3 part-0.parquet:3", "values 6 part-1.parquet:1", "duplicate_rows 9 part-1.parquet:4"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("examples:\n got %v\nwant %v", got, want)
	}
	if p := res.Findings[0].Examples[0].Place(); p != paths[0]+":4" {
		t.Errorf("place %q, want %q", p, paths[0]+":4")
	}
	for _, f := range res.Findings {
		if f.Files != nil {
			t.Errorf("%s: files %v for failing rows in one file", f.Check, f.Files)
		}
	}
	exp, err = Decode([]byte("version: 1\nduplicate_rows: {max_fraction: 0, columns: [origin]}\ncolumns: {origin: {values: {allowed: [SEA]}}}\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if res, err = Check(ctx, ds, prof, exp, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	want = []string{
		fmt.Sprintf("values [{%s 2} {%s 3}]", paths[0], paths[1]),         // LAX, JFK | LAX, XXX, LAX
		fmt.Sprintf("duplicate_rows [{%s 2} {%s 4}]", paths[0], paths[1]), // SEA, SEA | LAX, SEA, LAX, SEA (XXX is new)
	}
	got = nil
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s %v", f.Check, f.Files))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("failing rows by file:\n got %v\nwant %v", got, want)
	}
}
