package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

var update = flag.Bool("update", false, "rewrite golden files")

type flight struct {
	Date   time.Time `parquet:"date,timestamp(microsecond)"`
	Delay  *int64    `parquet:"delay,optional"`
	Origin string    `parquet:"origin,dict"`
}

// smallData writes a two-row-group Parquet file and returns its directory.
func smallData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	d := func(v int64) *int64 { return &v }
	rows := []flight{
		{time.Date(2001, 1, 1, 6, 5, 0, 0, time.UTC), d(14), "SEA"},
		{time.Date(2001, 1, 1, 23, 59, 59, 500000000, time.UTC), nil, "A,\"B\""},
		{time.Date(2001, 2, 28, 0, 0, 0, 0, time.UTC), d(-3), "SEA"},
	}
	if err := parquet.WriteFile(filepath.Join(dir, "small.parquet"), rows, parquet.MaxRowsPerRowGroup(2)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.parquet"), []byte("just text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCommands(t *testing.T) {
	t.Parallel()
	dir := smallData(t)
	tests := []cliCase{
		{"inspect", []string{"inspect", "$DIR/small.parquet"}, 0},
		{"inspect_json", []string{"inspect", "--format", "json", "$DIR/small.parquet"}, 0},
		{"cat", []string{"cat", "$DIR/small.parquet"}, 0},
		{"cat_jsonl_columns_limit", []string{"cat", "--format", "jsonl", "--columns", "origin,delay", "--limit", "2", "$DIR/small.parquet"}, 0},
		{"cat_missing", []string{"cat", "$DIR/missing.parquet"}, 2},
		{"cat_not_data", []string{"cat", "$DIR/notes.parquet"}, 2},
		{"cat_bad_column", []string{"cat", "--columns", "nope", "$DIR/small.parquet"}, 2},
		{"cat_bad_format", []string{"cat", "--format", "xml", "$DIR/small.parquet"}, 2},
		{"inspect_no_args", []string{"inspect"}, 2},
	}
	runCases(t, dir, nil, tests, nil)
}

// cliCase is one command line and its exit code; its output is compared
// with testdata/<name>.golden.
type cliCase struct {
	name string
	args []string
	code int
}

// runCases runs each case as a subtest with $DIR in its arguments replaced
// by dir (after the prefix args), checks the exit code and that a failure
// is one line on stderr, and compares stdout and stderr, with dir shown as
// $DIR and mask applied when non-nil, with the case's golden file.
func runCases(t *testing.T, dir string, prefix []string, cases []cliCase, mask func(string) string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			for _, a := range append(append([]string{}, prefix...), tt.args...) {
				args = append(args, strings.ReplaceAll(a, "$DIR", dir))
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if code == exitError && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Errorf("error output is not one line:\n%s", stderr.String())
			}
			got := strings.ReplaceAll(stdout.String()+stderr.String(), dir, "$DIR")
			if mask != nil {
				got = mask(got)
			}
			compareGolden(t, filepath.Join("testdata", tt.name+".golden"), got)
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

// sharedDir is $REFIT_SHARED or ../shared from the module root.
func sharedDir(t *testing.T) string {
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not found at %s (set REFIT_SHARED): %v", dir, err)
	}
	return dir
}

func TestFlights(t *testing.T) {
	t.Parallel()
	path := filepath.Join(sharedDir(t), "datasets", "flights-3m.parquet")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"inspect", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("inspect: exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"3,000,000 rows", "11 row groups", "timestamp[us]", "date", "delay", "distance", "origin", "destination"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"cat", "--limit", "3", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("cat: exit %d: %s", code, stderr.String())
	}
	compareGolden(t, filepath.Join("testdata", "flights_head.golden"), stdout.String())
}
