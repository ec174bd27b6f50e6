package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

const expectYAML = `version: 1
severity: error
rows: {min: 1000, max: 5000000}
columns:
  delay:
    range: {min: -120, max: 1500, max_outside_fraction: 0.0001}
  origin:
    values: {allowed: [SEA, LAX, ORD], max_unseen_fraction: 0.05}
    pattern: {regex: '^[A-Z]{3}$'}
  distance:
    nulls: {max_fraction: 0}
    severity: warn
`

// rowExpectYAML needs the row pass: a regex, rules, uniqueness and
// duplicate rows, failing and passing.
const rowExpectYAML = `version: 1
severity: error
duplicate_rows: {max_fraction: 0, severity: warn}
columns:
  origin:
    pattern: {regex: '^[A-M][A-Z]{2}$'}
  destination:
    pattern: {regex: '^[A-Z]{3}$'}
  date:
    unique: {max_duplicate_fraction: 0.5}
  distance:
    unique: {}
rules:
  - {name: short_delay, expr: delay < 300}
  - {name: positive_distance, expr: distance > 0, severity: warn}
`

// flights is flights-3m (11 row groups), or the test is skipped.
func flights(t *testing.T) string {
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" || testing.Short() {
		t.Skip("needs REFIT_SHARED and no -short (3M rows)")
	}
	return filepath.Join(dir, "datasets", "flights-3m.parquet")
}

// resetFlags puts the command flags back to their defaults between runs.
func resetFlags() {
	*output, *expectFile, *now, *format, *reference, *current, *workDir = "", "", "", "text", "", "", ""
	*modelPath, *dataFlag = "", ""
	*maxKeys = 0
}

// TestAuditEqualsRefitAudit: refit-beam audit finds what expect.Check
// finds on refit profile's profile (what refit audit runs), with the same
// exit code: on flights-200k with checks that need the row pass, and on
// flights-3m (not -short) with both expectation files.
func TestAuditEqualsRefitAudit(t *testing.T) {
	shared := os.Getenv("REFIT_SHARED")
	if shared == "" {
		t.Skip("needs REFIT_SHARED")
	}
	small := filepath.Join(shared, "datasets", "flights-200k.arrow")
	cases := []struct{ data, yaml string }{{small, rowExpectYAML}, {small, expectYAML}}
	if !testing.Short() {
		cases = append(cases, struct{ data, yaml string }{flights(t), expectYAML}, struct{ data, yaml string }{flights(t), rowExpectYAML})
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", filepath.Base(c.data), i), func(t *testing.T) {
			auditEquals(t, c.data, c.yaml)
		})
	}
}

func auditEquals(t *testing.T, data, yaml string) {
	ctx := context.Background()
	exp := filepath.Join(t.TempDir(), "expect.yaml")
	if err := os.WriteFile(exp, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2001, 8, 1, 0, 0, 0, 0, time.UTC)
	ds, err := ingest.Open(ctx, []string{data}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Scan(ctx, ds, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := expect.Load(exp)
	if err != nil {
		t.Fatal(err)
	}
	want, err := expect.Check(ctx, ds, prof, e, expect.CheckOptions{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	resetFlags()
	var stdout, stderr bytes.Buffer
	code := run(ctx, "audit", []string{data, "--expect", exp, "--format", "json", "--now", "2001-08-01"}, &stdout, &stderr)
	wantCode := 0
	if want.Failed() {
		wantCode = 1
	}
	if code != wantCode {
		t.Fatalf("exit %d, want %d; stderr: %s", code, wantCode, lastLine(stderr.String()))
	}
	var got auditOutput
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	gotF, _ := json.Marshal(got.Findings)
	wantF, _ := json.Marshal(want.Findings)
	if !bytes.Equal(gotF, wantF) || got.Checks != want.Checks || got.RowPass != want.RowPass {
		t.Errorf("findings:\n%s\nwant\n%s", gotF, wantF)
	}
	if len(want.Findings) == 0 {
		t.Error("the expectations should fail a check")
	}
	t.Logf("%d checks, %d findings, row pass %v, exit %d", want.Checks, len(want.Findings), want.RowPass, code)
}

// TestDriftEqualsRefitDrift: drift from the pipeline's profiles equals
// drift.Compare on refit profile's profiles.
func TestDriftEqualsRefitDrift(t *testing.T) {
	data := flights(t)
	ref := filepath.Join(os.Getenv("REFIT_SHARED"), "datasets", "flights-200k.arrow")
	ctx := context.Background()
	profile := func(path string) *profile.Profile {
		ds, err := ingest.Open(ctx, []string{path}, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := profile.Scan(ctx, ds, profile.ScanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	want, err := drift.Compare(ctx, profile(data), profile(data), drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	resetFlags()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, "drift", []string{"--reference", data, "--current", data, "--format", "json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, lastLine(stderr.String()))
	}
	wantJSON, _ := json.MarshalIndent(want, "", "  ")
	if got := strings.TrimSpace(stdout.String()); got != string(wantJSON) {
		t.Errorf("drift report differs:\n%.500s\nwant\n%.500s", got, wantJSON)
	}
	resetFlags()
	stdout.Reset()
	// Columns differ between the two files: the same error as validate's.
	_, wantErr := drift.Compare(ctx, profile(ref), profile(data), drift.Options{})
	code := run(ctx, "drift", []string{"--reference", ref, "--current", data}, &stdout, &stderr)
	if (wantErr != nil) != (code == 2) {
		t.Errorf("exit %d; drift.Compare: %v", code, wantErr)
	}
}

// TestUsageErrors: bad command lines exit 2 with one line.
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nope"}, {"profile"}, {"audit", "x.parquet"}, {"drift", "--reference", "a"}, {"profile", "/does/not/exist.parquet", "-o", "/tmp/x.json"},
		{"predict", "--model", "/does/not/exist.refit", "--data", "/does/not/exist.parquet", "-o", "/tmp/refit-beam-never"}} {
		resetFlags()
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args[0], args[1:], &stdout, &stderr)
		if code != 2 || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line", args, code, stderr.String())
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestCorruptRowGroup: a row group that fails to decode on a worker fails
// the job with exit 2 and ingest's error, naming the file and column.
func TestCorruptRowGroup(t *testing.T) {
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		t.Skip("REFIT_SHARED not set")
	}
	bad := filepath.Join(dir, "conformance", "parquet-testing", "bad_data", "ARROW-GH-41317.parquet")
	if _, err := os.Stat(bad); err != nil {
		t.Skip(err)
	}
	resetFlags()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), "profile", []string{bad, "-o", filepath.Join(t.TempDir(), "p.json")}, &stdout, &stderr)
	want := `refit-beam: job failed: validate: profile ` + bad + ` part 0: ingest ` + bad + `: row group 0: column "timestamp_us_no_tz": corrupt file`
	if code != 2 || !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("exit %d, stderr %q; want exit 2 and %q…", code, stderr.String(), want)
	}
}
