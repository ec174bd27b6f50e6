package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/audit"
)

// auditExpect are expectations for smallData: delay has a null and a value
// outside [0, 100]; origin has a value outside the allowed ones (a warning).
const auditExpect = `version: 1
rows: {min: 1, max: 10}
columns:
  date:
    type: timestamp[us, tz=UTC]
    freshness: {max_age: 48h}
  delay:
    nulls: {max_fraction: 0.5}
    range: {min: 0, max: 100}
  origin:
    values: {allowed: [SEA], severity: warn}
`

func TestProfileInferAudit(t *testing.T) {
	t.Parallel()
	dir := smallData(t)
	exp := filepath.Join(dir, "expect.yaml")
	if err := os.WriteFile(exp, []byte(auditExpect), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []cliCase{
		{"profile", []string{"profile", "$DIR/small.parquet"}, 0},
		{"profile_where", []string{"profile", "--where", "delay > 0", "$DIR/small.parquet"}, 0},
		{"infer", []string{"infer", "$DIR/small.parquet"}, 0},
		{"audit_clean", []string{"audit", "$DIR/small.parquet", "--expect", "$DIR/inferred.yaml"}, 0},
		{"audit_fail", []string{"audit", "$DIR/small.parquet", "--expect", "$DIR/expect.yaml", "--now", "2001-03-01"}, 1},
		{"audit_fail_json", []string{"audit", "$DIR/small.parquet", "--expect", "$DIR/expect.yaml", "--now", "2001-03-01", "--format", "json"}, 1},
		{"audit_no_expect", []string{"audit", "$DIR/small.parquet"}, 2},
		{"audit_bad_expect", []string{"audit", "$DIR/small.parquet", "--expect", "$DIR/small.parquet"}, 2},
	}
	// The clean audit uses what infer writes.
	if code := run(context.Background(), []string{"infer", filepath.Join(dir, "small.parquet"), "-o", filepath.Join(dir, "inferred.yaml")}, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatalf("infer -o: exit %d", code)
	}
	runCases(t, dir, nil, tests, nil)
}

func TestAuditReportFiles(t *testing.T) {
	t.Parallel()
	dir := smallData(t)
	exp := filepath.Join(dir, "expect.yaml")
	if err := os.WriteFile(exp, []byte(auditExpect), 0o644); err != nil {
		t.Fatal(err)
	}
	html, md := filepath.Join(dir, "report.html"), filepath.Join(dir, "summary.md")
	args := []string{"audit", filepath.Join(dir, "small.parquet"), "--expect", exp, "--now", "2001-03-01", "--report", html, "--summary", md}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, stderr.String())
	}
	for path, want := range map[string]string{html: "<svg", md: "## ❌ refit audit: 1 error, 1 warning: failed"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %q", filepath.Base(path), want)
		}
	}
}

// TestAuditFlights infers expectations from flights-3m and audits the same
// data against them: no error findings.
func TestAuditFlights(t *testing.T) {
	t.Parallel()
	path := filepath.Join(sharedDir(t), "datasets", "flights-3m.parquet")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not found", path)
	}
	exp := filepath.Join(t.TempDir(), "flights.yaml")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"infer", path, "-o", exp}, &stdout, &stderr); code != 0 {
		t.Fatalf("infer: exit %d: %s", code, stderr.String())
	}
	start := time.Now()
	code := run(context.Background(), []string{"audit", path, "--expect", exp, "--format", "json"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("audit: exit %d: %s\n%s", code, stderr.String(), stdout.String())
	}
	var out audit.JSON
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Rows != 3000000 || out.Errors != 0 || out.Checks < 10 {
		t.Errorf("rows %d, errors %d, checks %d", out.Rows, out.Errors, out.Checks)
	}
	t.Logf("audit of flights-3m: %d checks, %d findings, %v", out.Checks, len(out.Findings), time.Since(start))
}
