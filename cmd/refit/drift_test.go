package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/internal/profileio"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
)

// driftData writes 300 January and 300 June flights, June later and from
// a new origin, and saved profiles of each month; it returns the directory.
func driftData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var rows []flight
	origins := []string{"SEA", "SFO", "LAX"}
	for i := range 600 {
		month, delay := time.January, int64(i%40-10)
		origin := origins[i%3]
		if i >= 300 {
			month, delay = time.June, int64(i%40)
			if i%5 == 0 {
				origin = "ANC"
			}
		}
		d := delay
		rows = append(rows, flight{time.Date(2001, month, 1+i%28, i%24, 0, 0, 0, time.UTC), &d, origin})
	}
	path := filepath.Join(dir, "flights.parquet")
	if err := parquet.WriteFile(path, rows, parquet.MaxRowsPerRowGroup(128)); err != nil {
		t.Fatal(err)
	}
	saveProfile(t, path, "month(date) == 1", filepath.Join(dir, "jan.json"))
	saveProfile(t, path, "month(date) == 6", filepath.Join(dir, "jun.json"))
	return dir
}

func saveProfile(t *testing.T, data, where, out string) {
	t.Helper()
	side := profileio.Side{Sources: []string{data}, Where: where}
	p, err := side.Load(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDriftCommand(t *testing.T) {
	t.Parallel()
	dir := driftData(t)
	jan, jun := "--reference-where=month(date) == 1", "--where=month(date) == 6"
	data := "$DIR/flights.parquet"
	tests := []cliCase{
		{"drift_ok", []string{"drift", "--reference", data, jan, "--current", data, "--where=month(date) == 1"}, 0},
		{"drift_alert", []string{"drift", "--reference", data, jan, "--current", data, jun}, 1},
		{"drift_alert_json", []string{"drift", "--reference", data, jan, "--current", data, jun, "--columns", "origin,delay", "--format", "json"}, 1},
		{"drift_saved", []string{"drift", "--reference", "$DIR/jan.json", "--current", "$DIR/jun.json", "--psi-warn", "0.2", "--psi-alert", "100"}, 0},
		{"drift_saved_where", []string{"drift", "--reference", "$DIR/jan.json", "--current", "$DIR/jun.json", jun}, 2},
		{"drift_bad_thresholds", []string{"drift", "--reference", data, "--current", data, "--psi-warn", "0.5", "--psi-alert", "0.2"}, 2},
		{"drift_no_current", []string{"drift", "--reference", data}, 2},
	}
	runCases(t, dir, nil, tests, nil)
}

// TestDriftFlights splits flights-3m into January and June: the dates
// moved by five months (KS 1) but that is the clock, not drift. The hour
// and weekday mix of the flights barely changed, nor did anything else, so
// the command exits 0 (it exited 1 on the raw dates before).
func TestDriftFlights(t *testing.T) {
	t.Parallel()
	path := filepath.Join(sharedDir(t), "datasets", "flights-3m.parquet")
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"drift", "--reference", path, "--reference-where", "month(date) == 1",
		"--current", path, "--where", "month(date) == 6", "--format", "json"}, &stdout, &stderr)
	elapsed := time.Since(start)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (only the clock moved): %s", code, stderr.String())
	}
	var out struct{ Drift drift.Report }
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	byName := map[string]drift.Feature{}
	for _, f := range out.Drift.Features {
		byName[f.Name] = f
	}
	if d := byName["date"]; d.Numeric == nil || d.Numeric.KS < 0.99 || d.Verdict != validate.VerdictOK {
		t.Errorf("date: %+v: want the move reported (KS 1) without a verdict", d)
	}
	for _, name := range []string{"date#hour", "date#weekday"} {
		if f, ok := byName[name]; !ok || f.PSI >= 0.1 || f.Categorical == nil || !f.Categorical.Exact {
			t.Errorf("%s: %+v: want an exact calendar comparison below the warn level", name, f)
		}
	}
	// Timing is logged, never asserted: the benchmarks measure speed.
	t.Logf("January vs June: %d vs %d rows in %v", out.Drift.ReferenceRows, out.Drift.CurrentRows, elapsed)
}
