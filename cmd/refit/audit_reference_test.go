package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/audit"
	"github.com/refit-ml/refit/validate/drift"
)

// auditRefExpect are expectations every row of driftData passes.
const auditRefExpect = "version: 1\nrows: {min: 1}\n"

// auditRefCoverage has one expression slice, a label and a hostile name.
const auditRefCoverage = "min_rows: 50\nlabel: \"delay > 15\"\nslices:\n  night: \"hour(date) < 5\"\n  \"<script>x</script>\": 'origin in [\"ANC\", \"HNL\"]'\n"

// TestAuditReference audits the drift test data (January and June) against
// January alone: every feature alerts, which is a warning unless
// --fail-on-drift.
func TestAuditReference(t *testing.T) {
	t.Parallel()
	dir := driftData(t)
	for name, body := range map[string]string{"expect.yaml": auditRefExpect, "coverage.yaml": auditRefCoverage} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := []string{"audit", "$DIR/flights.parquet", "--expect", "$DIR/expect.yaml"}
	tests := []cliCase{
		{"audit_drift", []string{"--reference", "$DIR/jan.json", "--coverage", "$DIR/coverage.yaml"}, 0},
		{"audit_drift_fail", []string{"--reference", "$DIR/flights.parquet", "--reference-where", "month(date) == 1", "--fail-on-drift"}, 1},
		{"audit_drift_json", []string{"--reference", "$DIR/jan.json", "--coverage", "$DIR/coverage.yaml", "--format", "json"}, 0},
		{"audit_coverage_only", []string{"--coverage", "$DIR/coverage.yaml"}, 0},
		{"audit_where_no_reference", []string{"--reference-where", "month(date) == 1"}, 2},
		{"audit_bad_coverage", []string{"--coverage", "$DIR/missing.yaml"}, 2},
	}
	runCases(t, dir, base, tests, nil)
}

// TestAuditReferenceFiles checks that the HTML report and the JSON carry
// the drift and coverage parts.
func TestAuditReferenceFiles(t *testing.T) {
	t.Parallel()
	dir := driftData(t)
	for name, body := range map[string]string{"expect.yaml": auditRefExpect, "coverage.yaml": auditRefCoverage} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	html := filepath.Join(dir, "report.html")
	args := []string{"audit", filepath.Join(dir, "flights.parquet"), "--expect", filepath.Join(dir, "expect.yaml"),
		"--reference", filepath.Join(dir, "jan.json"), "--coverage", filepath.Join(dir, "coverage.yaml"),
		"--report", html, "--format", "json"}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var out audit.JSON
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Drift == nil || len(out.Drift.Features) != 5 || // 3 columns, and the date's hour and weekday
		out.Coverage == nil || len(out.Coverage.Slices) == 0 {
		t.Fatalf("json lacks drift or coverage: %+v", out)
	}
	var worstNumeric *drift.Numeric
	for _, f := range out.Drift.Features {
		if f.Numeric != nil && worstNumeric == nil {
			worstNumeric = f.Numeric
		}
	}
	if h := worstNumeric; h == nil || len(h.Histogram.Reference) == 0 {
		t.Error("json lacks the overlaid histogram of the worst numeric feature")
	}
	data, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="drift"`, `id="coverage"`, `class="ref"`, `class="cur"`, "&lt;script&gt;x&lt;/script&gt;"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if strings.Contains(string(data), "<script>") {
		t.Error("report has a <script> element: a slice name was not escaped")
	}
}
