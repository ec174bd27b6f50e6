package report

import (
	"bytes"
	"errors"
	"flag"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is an audit with a hostile column name, every kind of card and
// both severities.
func sample() *Audit {
	ts := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	return &Audit{
		GeneratedAt: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC),
		Dataset:     Dataset{Sources: []string{"data/flights_*.parquet"}, Files: 2, Rows: 3000000, Bytes: 24 << 20, Fingerprint: "sha256:0123456789abcdef0123"},
		Checks:      12,
		Profile: &profile.Result{Rows: 3000000, Columns: []profile.ColumnResult{
			{Name: "<script>alert(1)</script>", Type: "int64", Kind: "int", Count: 2999000, Nulls: 1000, Distinct: 1200,
				Numeric: &profile.NumericResult{Finite: 2999000, Min: -60, Max: 1500, Mean: 12.5, StdDev: 30,
					Quantiles: []profile.QuantileValue{{P: 0.5, Value: 3}},
					Histogram: profile.Histogram{Edges: []float64{-60, 460, 980, 1500}, Counts: []int64{2900000, 90000, 9000}}}},
			{Name: "origin", Type: "utf8", Kind: "string", Count: 3000000, Distinct: 3, DistinctExact: true, TopKExact: true,
				Lengths: &profile.LengthResult{Min: 3, Mean: 3, Max: 3},
				TopK:    []profile.ValueCount{{Value: "SEA", Count: 2000000}, {Value: "<b>LAX</b>", Count: 900000}, {Value: "JFK", Count: 100000}}},
			{Name: "date", Type: "timestamp[us]", Kind: "temporal", Count: 3000000, Distinct: 500000,
				TimeRange: &profile.TimeRange{Min: ts, Max: ts.AddDate(0, 11, 30)},
				Numeric:   &profile.NumericResult{Finite: 3000000, Histogram: profile.Histogram{Edges: []float64{0, 1, 2}, Counts: []int64{5, 10}}}},
		}},
		Findings: []expect.Finding{
			{Check: "range", Column: "<script>alert(1)</script>", Severity: expect.SeverityError, Expected: "values within [-10, 100]",
				Observed: "min -60, max 1500; 2 of 9 (22.2%)", Failing: 2, Total: 9, Fraction: 2.0 / 9,
				Examples: []expect.Example{{Row: 4, Value: "1000"}, {Row: 7, Value: "a|b"}}},
			{Check: "rule", Rule: "arrives_after", Severity: expect.SeverityWarn, Expected: "arr >= dep",
				Observed: "1 of 10 (10%)", Failing: 1, Total: 10, Fraction: 0.1},
			{Check: "rows", Severity: expect.SeverityWarn, Expected: "rows at least 4,000,000", Observed: "3,000,000 rows"},
		},
		Sections: []Section{testSection{}},
	}
}

type testSection struct{}

func (testSection) Title() string { return "Drift" }
func (testSection) HTML() (template.HTML, error) {
	return template.HTML(`<table id="drift"><tr><td>psi</td></tr></table>`), nil
}
func (testSection) Markdown() string { return "| column | psi |\n|---|---:|\n| delay | 0.02 |" }

func TestMarkdownGolden(t *testing.T) {
	for name, a := range map[string]*Audit{"fail": sample(), "pass": {Dataset: Dataset{Sources: []string{"x.arrow"}, Files: 1, Rows: 10}, Checks: 3}} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteMarkdown(&buf, a); err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", "summary_"+name+".md"), buf.String())
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n%s", path, got)
	}
}

func TestHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	var texts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			counts[n.Data]++
			for _, a := range n.Attr {
				if a.Key == "src" || a.Key == "href" {
					t.Errorf("<%s %s=%q> fetches something", n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.TextNode {
			texts = append(texts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if counts["script"] != 0 {
		t.Errorf("%d <script> elements: the hostile column name was not escaped", counts["script"])
	}
	if counts["b"] != 0 {
		t.Error("a value's markup was not escaped")
	}
	if counts["svg"] != 3 || counts["rect"] != 3+3+2 || counts["style"] != 1 {
		t.Errorf("svg %d, rect %d, style %d; want 3, 8, 1", counts["svg"], counts["rect"], counts["style"])
	}
	for _, id := range []string{`id="findings"`, `id="columns"`, `id="drift"`, `class="verdict fail"`, `<tr class="error">`, `<tr class="warn">`} {
		if !strings.Contains(out, id) {
			t.Errorf("html lacks %s", id)
		}
	}
	text := strings.Join(texts, "")
	for _, w := range []string{"<script>alert(1)</script>", "1 error, 2 warnings: failed", "row 4: 1000; row 7: a|b", "3,000,000"} {
		if !strings.Contains(text, w) {
			t.Errorf("html text lacks %q", w)
		}
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.md")
	if err := WriteFile(path, func(w io.Writer) error { return WriteMarkdown(w, sample()) }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := WriteFile(path, func(w io.Writer) error { io.WriteString(w, "partial"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(data), "## ❌") {
		t.Errorf("a failed write changed the file: %q, %v", data, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}
