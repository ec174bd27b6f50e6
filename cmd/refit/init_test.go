package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/pipeline"
)

func TestInit(t *testing.T) {
	dir := trainData(t)
	if err := os.Mkdir(filepath.Join(dir, "taken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "taken", "refit.yaml"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCases(t, dir, nil, []cliCase{
		{"init", []string{"init", "$DIR/proj", "--data", "$DIR/train.parquet", "--label", "delay > 15"}, 0},
		{"init_no_data", []string{"init", "$DIR/proj"}, 2},
		{"init_exists", []string{"init", "$DIR/taken", "--data", "$DIR/train.parquet", "--label", "delay > 15"}, 2},
		{"init_no_label", []string{"init", "$DIR/other", "--data", "$DIR/train.parquet"}, 2},
		{"init_bad_label", []string{"init", "$DIR/other", "--data", "$DIR/train.parquet", "--label", "delai > 15"}, 2},
		{"init_bad_time_column", []string{"init", "$DIR/other", "--data", "$DIR/train.parquet", "--label", "delay > 15", "--time-column", "when"}, 2},
		{"init_missing_data", []string{"init", "$DIR/other", "--data", "$DIR/missing.parquet"}, 2},
	}, nil)
	compareGolden(t, filepath.Join("testdata", "init_refit_yaml.golden"), strings.ReplaceAll(readFile(t, dir+"/proj/refit.yaml"), dir, "$DIR"))
	if _, err := os.Stat(filepath.Join(dir, "other")); !os.IsNotExist(err) {
		t.Errorf("a failed init left %s/other: %v", dir, err)
	}
	t.Chdir(dir)
	// The files load, and the first run trains and promotes on them.
	cfg, err := pipeline.Load("proj/refit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.Train.Features, ","); got != "date,distance,origin" {
		t.Errorf("features %s", got)
	}
	if !strings.Contains(readFile(t, "proj/expectations.yaml"), "origin:") {
		t.Error("expectations.yaml lacks origin")
	}
	// --force overwrites, and a relative data path is made relative to DIR.
	code, stdout, stderr := registryRun(t, dir, "init", "taken", "--data", "train.parquet", "--force", "--label", "delay > 15")
	if code != 0 || !strings.Contains(readFile(t, "taken/refit.yaml"), "source: [../train.parquet]") {
		t.Errorf("init --force: exit %d: %s%s\n%s", code, stdout, stderr, readFile(t, "taken/refit.yaml"))
	}
}

// TestInitRun runs the pipeline once on what init wrote: it trains and
// gates a candidate (on 400 rows the per-slice gate has no slice of 200
// holdout rows to measure, and rejects it).
func TestInitRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	dir := trainData(t)
	t.Chdir(dir)
	if code, stdout, stderr := registryRun(t, dir, "init", "--data", "train.parquet", "--label", "delay > 15"); code != 0 {
		t.Fatalf("init: exit %d: %s%s", code, stdout, stderr)
	}
	code, stdout, stderr := registryRun(t, dir, "run", "--config", "refit.yaml", "--now", "2001-04-01")
	if code == exitError || !strings.Contains(stdout, "no champion yet: train the first model") || !strings.Contains(stdout, "gate") {
		t.Errorf("run on init's config: exit %d:\n%s%s", code, stdout, stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
