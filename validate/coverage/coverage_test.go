package coverage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"github.com/refit-ml/refit/validate/profile"
)

type covRow struct {
	Origin   string   `parquet:"origin,dict"`
	Distance int64    `parquet:"distance"`
	Delay    *float64 `parquet:"delay,optional"`
}

// covData writes n rows: origin cycles SEA, SFO, LAX, ANC (ANC only while
// i < ancUntil), distance i%1000, delay i%50 − 10 and null every 10th row.
func covData(t *testing.T, n, ancUntil int) *ingest.Dataset {
	t.Helper()
	var rows []covRow
	origins := []string{"SEA", "SFO", "LAX", "ANC"}
	for i := range n {
		o := origins[i%4]
		if o == "ANC" && i >= ancUntil {
			o = "SEA"
		}
		r := covRow{Origin: o, Distance: int64(i % 1000)}
		if i%10 != 0 {
			d := float64(i%50 - 10)
			r.Delay = &d
		}
		rows = append(rows, r)
	}
	path := filepath.Join(t.TempDir(), "cov.parquet")
	if err := parquet.WriteFile(path, rows, parquet.MaxRowsPerRowGroup(700)); err != nil {
		t.Fatal(err)
	}
	ds, err := ingest.Open(context.Background(), []string{path}, ingest.Options{BatchSize: 256})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func sliceByName(t *testing.T, r *Report, name string) Slice {
	t.Helper()
	for _, s := range r.Slices {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no slice %q", name)
	return Slice{}
}

func TestCoverageCounts(t *testing.T) {
	ds := covData(t, 4000, 4000)
	cfg := Config{MinRows: 100, Label: "delay > 15", Slices: map[string]string{
		"long": "distance > 900", "alaska": `origin in ["ANC", "HNL"]`}}
	prof, err := profile.Scan(context.Background(), ds, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Measure(context.Background(), ds, cfg, Options{Reference: prof})
	if err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "rows", r.Rows, int64(4000))
	// distance 901..999 in each of 4 thousands: 99·4 rows.
	long := sliceByName(t, r, "long")
	vtest.Eq(t, "long rows", long.Rows, int64(396))
	vtest.Eq(t, "alaska rows", sliceByName(t, r, "alaska").Rows, int64(1000))
	vtest.Eq(t, "origin = SFO rows", sliceByName(t, r, "origin = SFO").Rows, int64(1000))
	vtest.Eq(t, "any null rows", sliceByName(t, r, "any null").Rows, int64(400))
	// delay > 15: i%50 in 26..49, 24 of every 50 rows, less the null
	// rows 30 and 40: 22·80 of the 3600 labeled rows.
	vtest.Eq(t, "label", *r.Label, LabelRate{Labeled: 3600, Positive: 1760, Rate: 1760.0 / 3600})
	if long.Label == nil || long.Label.Labeled == 0 {
		t.Errorf("long slice has no label rate")
	}
	tail := sliceByName(t, r, "distance > p99")
	if tail.Rows < 30 || tail.Rows > 50 || tail.ReferenceShare == nil {
		t.Errorf("distance > p99: %d rows, reference share %v", tail.Rows, tail.ReferenceShare)
	}
	vtest.Eq(t, "verdict", r.Verdict, validate.VerdictWarn) // tails have < 100 rows
}

// TestCoverageShareFell: ANC vanishes after row 2000 of the current data.
func TestCoverageShareFell(t *testing.T) {
	ref := covData(t, 4000, 4000)
	prof, err := profile.Scan(context.Background(), ref, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{MinRows: 1, MaxShareDrop: 0.4}
	for _, tt := range []struct {
		ancUntil int
		want     validate.Verdict
	}{{4000, validate.VerdictOK}, {1000, validate.VerdictWarn}, {0, validate.VerdictAlert}} {
		r, err := Measure(context.Background(), covData(t, 4000, tt.ancUntil), cfg, Options{Reference: prof})
		if err != nil {
			t.Fatal(err)
		}
		if s := sliceByName(t, r, "origin = ANC"); s.Verdict != tt.want {
			t.Errorf("ANC until %d: verdict %s (%d rows, findings %v), want %s", tt.ancUntil, s.Verdict, s.Rows, r.Findings, tt.want)
		}
	}
}

func TestCoverageConfig(t *testing.T) {
	good := "min_rows: 50\nmax_share_drop: 0.3\nlabel: \"delay > 15\"\nslices:\n  long: \"distance > 900\"\n"
	c, err := DecodeConfig("good.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "config", c, Config{MinRows: 50, MaxShareDrop: 0.3, Label: "delay > 15", Slices: map[string]string{"long": "distance > 900"}})
	for name, bad := range map[string]string{
		"unknown key": "min_row: 5\n",
		"bad drop":    "max_share_drop: 2\nmin_rows: -1\n",
		"empty slice": "slices: {a: \"\"}\n",
	} {
		if _, err := DecodeConfig("bad.yaml", []byte(bad)); !errors.Is(err, validate.ErrInvalidOptions) {
			t.Errorf("%s: err %v, want validate.ErrInvalidOptions", name, err)
		}
	}
	ds := covData(t, 10, 10)
	if _, err := Measure(context.Background(), ds, Config{Slices: map[string]string{"x": "nope > 1"}}, Options{}); err == nil {
		t.Error("unknown column in a slice: no error")
	}
	if _, err := Measure(context.Background(), ds, Config{Slices: map[string]string{"x": "distance + 1"}}, Options{}); err == nil {
		t.Error("non-boolean slice: no error")
	}
}

// TestCoverageFlights checks configured and automatic slices on
// flights-3m, with January's profile as the reference, in one pass.
func TestCoverageFlights(t *testing.T) {
	path := filepath.Join(vtest.SharedDir(), "datasets", "flights-3m.parquet")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not found (set REFIT_SHARED to the shared data folder)", path)
	}
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{path}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Label: "delay > 15", Slices: map[string]string{
		"long_haul": "distance > 2000", "red_eye": "hour(date) < 5", "alaska_hawaii": `origin in ["ANC", "HNL"]`}}
	jan, err := colexpr.Compile("month(date) == 1", ds.Schema())
	if err != nil {
		t.Fatal(err)
	}
	ref, err := profile.Scan(ctx, ds, profile.ScanOptions{Where: jan})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, err := Measure(ctx, ds, cfg, Options{Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d slices over %d rows in %v", len(r.Slices), r.Rows, time.Since(start))
	for _, s := range r.Slices {
		t.Logf("%-16s %8d rows %6.2f%% (ref %v) late %v %s", s.Name, s.Rows, 100*s.Share, s.ReferenceShare, s.Label, s.Verdict)
	}
	if lh := sliceByName(t, r, "long_haul"); lh.Rows == 0 || lh.Rows > r.Rows/2 {
		t.Errorf("long_haul: %d rows", lh.Rows)
	}
}
