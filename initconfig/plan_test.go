package initconfig

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/validate/profile"
)

func testSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "date", Type: arrow.FixedWidthTypes.Timestamp_us},
		{Name: "delay", Type: arrow.PrimitiveTypes.Float64},
		{Name: "id", Type: arrow.BinaryTypes.String},
		{Name: "origin", Type: arrow.BinaryTypes.String},
		{Name: "late", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
}

func testProfile() profile.Result {
	return profile.Result{Rows: 1000, Columns: []profile.ColumnResult{
		{Name: "date", Type: "timestamp[us]", Kind: "time", Count: 1000, Distinct: 900},
		{Name: "delay", Type: "double", Kind: "numeric", Count: 990, Nulls: 10, Distinct: 300},
		{Name: "id", Type: "utf8", Kind: "string", Count: 1000, Distinct: 1000, DistinctExact: true},
		{Name: "origin", Type: "utf8", Kind: "string", Count: 1000, Distinct: 40},
		{Name: "late", Type: "bool", Kind: "bool", Count: 1000, Distinct: 2},
	}}
}

func TestNewPlan(t *testing.T) {
	for _, tt := range []struct {
		name                    string
		opts                    Options
		timeCol, label, wantErr string
		binary                  bool
		features                []string
	}{
		{"defaults", Options{}, "date", "late", "", true, []string{"date", "delay", "origin"}},
		{"expression label", Options{Label: "delay > 15"}, "date", "delay > 15", "", true, []string{"date", "origin", "late"}},
		{"numeric label", Options{Label: "delay"}, "date", "delay", "", false, []string{"date", "origin", "late"}},
		{"bad time column", Options{TimeColumn: "when"}, "", "", "--time-column when: no such column", false, nil},
		{"bad label", Options{Label: "delai > 15"}, "", "", "--label:", false, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(testSchema(), testProfile(), tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.TimeColumn != tt.timeCol || p.Label != tt.label || p.Binary != tt.binary || !slices.Equal(p.Features, tt.features) {
				t.Errorf("plan time %q label %q binary %v features %v, want %q %q %v %v",
					p.TimeColumn, p.Label, p.Binary, p.Features, tt.timeCol, tt.label, tt.binary, tt.features)
			}
			if !slices.Contains(p.Excluded, "id (nearly all values distinct: an identifier?)") {
				t.Errorf("excluded %v lacks the identifier", p.Excluded)
			}
		})
	}
}

func TestNewPlanNoDefaults(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	res := profile.Result{Rows: 1, Columns: []profile.ColumnResult{{Name: "x", Kind: "numeric"}}}
	for _, tt := range []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{"no time column", Options{}, "no timestamp or date column"},
		{"no label", Options{TimeColumn: "x"}, "no true/false column"},
		{"nothing left", Options{TimeColumn: "x", Label: "x > 1"}, "no column is left"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewPlan(schema, res, tt.opts); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"delay", "delay"},
		{"delay > 15", `"delay > 15"`},
		{"delay_min", "delay_min"},
		{"a: b", `"a: b"`},
		{"", `""`},
		{"15", `"15"`},
		{"yes", `"yes"`},
		{"-x", `"-x"`},
		{" padded", `" padded"`},
		{`say "hi"`, `"say \"hi\""`},
	} {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRelativeTo(t *testing.T) {
	t.Chdir(t.TempDir())
	got, err := RelativeTo("proj", []string{"data/a.parquet", "/abs/b.parquet", "data/**/*.parquet"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"../data/a.parquet", "/abs/b.parquet", "../data/**/*.parquet"}
	if !slices.Equal(got, want) {
		t.Errorf("RelativeTo = %v, want %v", got, want)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := CheckFree(dir); err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(testSchema(), testProfile(), Options{Label: "delay > 15"})
	if err != nil {
		t.Fatal(err)
	}
	p.Source = []string{"data.parquet"}
	if err := Write(dir, p, []byte("columns: {}\n")); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# The data had 1,000 rows", "#   delay   double         1.00%  ~300", "# Not a feature: delay (read by the label).",
		`label: "delay > 15"`, "features: [date, origin, late]", "{metric: auc, min: 0.6}"} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("refit.yaml lacks %q:\n%s", want, cfg)
		}
	}
	if err := CheckFree(dir); err == nil || !strings.Contains(err.Error(), ConfigFile+" exists") {
		t.Errorf("CheckFree after Write: %v", err)
	}
}
