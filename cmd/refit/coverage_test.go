package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/profileio"
	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate/coverage"
)

// TestCoverageText runs a coverage config over the drift test data, with
// January as the reference, and compares the table with a golden file.
func TestCoverageText(t *testing.T) {
	t.Parallel()
	dir := driftData(t)
	cfgPath := filepath.Join(dir, "coverage.yaml")
	yaml := "min_rows: 50\nlabel: \"delay > 15\"\nslices:\n  night: \"hour(date) < 5\"\n  alaska: 'origin in [\"ANC\", \"HNL\"]'\n"
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := coverage.DecodeConfig(cfgPath, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := profileio.Side{Sources: []string{filepath.Join(dir, "jan.json")}}.Load(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ingest.Open(context.Background(), []string{filepath.Join(dir, "flights.parquet")}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := coverage.Measure(context.Background(), ds, cfg, coverage.Options{Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := textout.Coverage(&out, r); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "coverage_text.golden"), textout.TrimLines(out.String()))
}
