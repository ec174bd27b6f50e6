package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/refit-ml/refit/registry"
)

var rfc3339 = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)

// TestQuarantineCommand records, lists and releases a quarantine on a
// workspace's catalog, and refuses the mistakes.
func TestQuarantineCommand(t *testing.T) {
	dir := t.TempDir()
	reg, err := registry.Open(context.Background(), filepath.Join(dir, "ws"), registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	reg.Close()
	if err := os.WriteFile(filepath.Join(dir, "bad.parquet"), []byte("PAR1 truncated"), 0o644); err != nil {
		t.Fatal(err)
	}
	ws := []string{"--workspace", "$DIR/ws"}
	cases := []cliCase{
		{"quarantine_no_reason", append([]string{"quarantine", "$DIR/bad.parquet"}, ws...), 2},
		{"quarantine_missing_file", append([]string{"quarantine", "$DIR/nope.parquet", "--reason", "x"}, ws...), 2},
		{"quarantine_file", append([]string{"quarantine", "$DIR/bad.parquet", "--reason", "truncated export, ticket 42"}, ws...), 0},
		{"quarantine_twice", append([]string{"quarantine", "$DIR/bad.parquet", "--reason", "again"}, ws...), 2},
		{"quarantine_list", append([]string{"quarantine", "list"}, ws...), 0},
		{"quarantine_release", append([]string{"quarantine", "release", "$DIR/bad.parquet"}, ws...), 0},
		{"quarantine_release_again", append([]string{"quarantine", "release", "$DIR/bad.parquet"}, ws...), 2},
		{"quarantine_list_empty", append([]string{"quarantine", "list"}, ws...), 0},
		{"quarantine_list_all", append([]string{"quarantine", "list", "--all"}, ws...), 0},
		{"quarantine_list_json", append([]string{"quarantine", "list", "--all", "--format", "json"}, ws...), 0},
	}
	t.Setenv("USER", "ops")
	runCases(t, dir, nil, cases, func(s string) string { return rfc3339.ReplaceAllString(s, "TIME") })
}
