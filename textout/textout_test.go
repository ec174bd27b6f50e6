package textout

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

func TestNumbers(t *testing.T) {
	for _, tt := range []struct{ name, got, want string }{
		{"count", Count(1234567), "1,234,567"},
		{"count zero", Count(0), "0"},
		{"count unknown", Count(-1), "?"},
		{"percent", Percent(1, 3), "33.33%"},
		{"percent of nothing", Percent(5, 0), "0%"},
		{"trim", TrimLines("a  \nb\t \n  c"), "a\nb\t\n  c\n"},
		{"distinct exact", Distinct(profile.ColumnResult{Kind: "string", Distinct: 1500, DistinctExact: true}), "1,500"},
		{"distinct estimate", Distinct(profile.ColumnResult{Kind: "numeric", Distinct: 1500}), "~1,500"},
		{"distinct other", Distinct(profile.ColumnResult{Kind: "other", Distinct: 3}), "-"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestProfile(t *testing.T) {
	day := time.Date(2001, 1, 2, 3, 4, 5, 0, time.UTC)
	r := profile.Result{Rows: 4, Columns: []profile.ColumnResult{
		{Name: "delay", Type: "double", Kind: "numeric", Count: 3, Nulls: 1, Distinct: 3, DistinctExact: true,
			Numeric: &profile.NumericResult{Finite: 3, Min: -1, Max: 100.5, Mean: 33.25, Quantiles: []profile.QuantileValue{{P: 0.25, Value: 0}, {P: 0.5, Value: 2}}}},
		{Name: "date", Type: "timestamp[us]", Kind: "time", Count: 4, Distinct: 2, TimeRange: &profile.TimeRange{Min: day, Max: day.Add(24 * time.Hour)}},
		{Name: "origin", Type: "utf8", Kind: "string", Count: 4, Distinct: 2, DistinctExact: true,
			Lengths: &profile.LengthResult{Min: 3, Max: 3}, TopK: []profile.ValueCount{{Value: strings.Repeat("x", 31), Count: 3}}},
	}}
	var buf bytes.Buffer
	if err := Profile(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := `4 rows
column  type           count  nulls   distinct  min                  p50  max                  mean   top value
delay   double         3      25.00%  3         -1                   2    100.5                33.25  -
date    timestamp[us]  4      0.00%   ~2        2001-01-02 03:04:05  -    2001-01-03 03:04:05  -      -
origin  utf8           4      0.00%   2         len 3                -    len 3                -      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" 75.00%
`
	if got := TrimLines(buf.String()); got != want {
		t.Errorf("Profile:\n%s\nwant:\n%s", got, want)
	}
}

func TestDrift(t *testing.T) {
	r := &drift.Report{Features: []drift.Feature{
		{Name: "delay", Kind: "numeric", PSI: 0.3, JS: 0.12, Verdict: validate.VerdictAlert, Notes: []string{"a", "b"}},
		{Name: "origin", Kind: "categorical", PSI: 0.15, Verdict: validate.VerdictWarn},
		{Name: "distance", Kind: "numeric", PSI: 0.01, Verdict: validate.VerdictOK},
		{Name: "month", Kind: "temporal", Verdict: validate.VerdictOK},
	}}
	if got, want := DriftCounts(r), "1 alert, 1 warn, 2 ok"; got != want {
		t.Errorf("DriftCounts = %q, want %q", got, want)
	}
	var buf bytes.Buffer
	if err := DriftTable(&buf, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(TrimLines(buf.String()), "\n")
	for i, want := range []string{
		"feature   kind         PSI     KS  W1  JS      nulls Δ  verdict  notes",
		"delay     numeric      0.3000  -   -   0.1200  +0.0000  alert    a; b",
		"origin    categorical  0.1500  -   -   0.0000  +0.0000  warn",
	} {
		if lines[i] != want {
			t.Errorf("line %d:\n%q\nwant\n%q", i, lines[i], want)
		}
	}
}

func TestDriftReport(t *testing.T) {
	r := &drift.Report{ReferenceRows: 1200, CurrentRows: -1, Verdict: validate.VerdictWarn, Features: []drift.Feature{
		{Name: "origin", Kind: "categorical", PSI: 0.15, Verdict: validate.VerdictWarn},
	}}
	var buf bytes.Buffer
	if err := DriftReport(&buf, "jan.json", "jun.parquet where x", r); err != nil {
		t.Fatal(err)
	}
	want := "reference: jan.json (1,200 rows)\ncurrent:   jun.parquet where x (? rows)\n\n" +
		"feature  kind         PSI     KS  W1  JS      nulls Δ  verdict  notes\n" +
		"origin   categorical  0.1500  -   -   0.0000  +0.0000  warn\n\ndrift: warn (0 alert, 1 warn, 0 ok)\n"
	if got := buf.String(); got != want {
		t.Errorf("DriftReport:\n%s\nwant:\n%s", got, want)
	}
}

func TestCoverage(t *testing.T) {
	share := 0.25
	r := &coverage.Report{Verdict: validate.VerdictWarn,
		Slices: []coverage.Slice{
			{Name: "origin=SFO", Kind: "value", Rows: 1200, Share: 0.1, ReferenceShare: &share, Verdict: validate.VerdictWarn},
		},
		Findings: []coverage.Finding{{Slice: "origin=SFO", Problem: coverage.ProblemShareFell, Verdict: validate.VerdictWarn, Message: "fell"}},
	}
	var buf bytes.Buffer
	if err := Coverage(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := "slice       kind   rows   share   reference  label rate  verdict\n" +
		"origin=SFO  value  1,200  10.00%  25.00%     -           warn\n" +
		"warn: origin=SFO: " + string(coverage.ProblemShareFell) + " (fell)\n" +
		"coverage: warn (1 slices, 1 findings)\n"
	if got := TrimLines(buf.String()); got != want {
		t.Errorf("Coverage:\n%s\nwant:\n%s", got, want)
	}
}

func TestFindings(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    []expect.Finding
		want string
	}{
		{"none", nil, ""},
		{"rule with examples and files", []expect.Finding{{Check: "rule", Rule: "positive", Column: "delay", Severity: expect.SeverityError,
			Expected: "true", Observed: "2 rows false",
			Examples: []expect.Example{{Row: 7, Value: "-3"}, {File: "a.parquet", FileRow: 2, Value: strings.Repeat("v", 61)}},
			Files:    []expect.FileCount{{File: "a.parquet", Failing: 1200}}}},
			"\nseverity  check  column    expected  observed\n" +
				"error     rule   positive  true      2 rows false\n" +
				"                           examples: row 7 \"-3\", a.parquet:2 \"" + strings.Repeat("v", 60) + "…\"\n" +
				"                           by file: a.parquet 1,200\n"},
		{"column and none", []expect.Finding{{Check: "not_null", Column: "delay", Severity: expect.SeverityWarn, Expected: "0", Observed: "1"},
			{Check: "rows", Severity: expect.SeverityError, Expected: ">= 10", Observed: "3"}},
			"\nseverity  check     column  expected  observed\n" +
				"warn      not_null  delay   0         1\n" +
				"error     rows      -       >= 10     3\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Findings(&buf, tt.f); err != nil {
				t.Fatal(err)
			}
			if got := TrimLines(buf.String()); buf.Len() > 0 && got != tt.want || buf.Len() == 0 && tt.want != "" {
				t.Errorf("Findings:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestOutOfRange(t *testing.T) {
	var buf bytes.Buffer
	OutOfRange(&buf, []model.ColumnOOR{
		{Column: "ok", Rows: 10},
		{Column: "distance", Rows: 10, Missing: 2, OutOfRange: 2, Below: 1, Above: 1},
		{Column: "date", Rows: 4, OutOfRange: 1, UnseenHour: 1, UnseenMonth: 1},
		{Column: "origin", Rows: 8, OutOfRange: 1},
	})
	want := "warning: distance: 2 of 8 values (25%) outside the training data: 1 below the training minimum, 1 above the training maximum\n" +
		"warning: date: 1 of 4 values (25%) outside the training data: 1 at unseen hours, 1 in unseen months\n" +
		"warning: origin: 1 of 8 values (12.5%) outside the training data: categories never seen in training (or too rare to be recorded)\n"
	if got := buf.String(); got != want {
		t.Errorf("OutOfRange:\n%s\nwant:\n%s", got, want)
	}
}
