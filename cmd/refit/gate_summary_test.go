package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateSummary writes the Markdown summary of a failing gate, as a CI
// step does with --summary "$GITHUB_STEP_SUMMARY".
func TestGateSummary(t *testing.T) {
	dir := t.TempDir()
	data := evalData(t, dir)
	evalModel(t, data, filepath.Join(dir, "good.safetensors"), 3)
	evalModel(t, data, filepath.Join(dir, "bad.safetensors"), -3)
	summary := filepath.Join(dir, "summary.md")
	code, stdout, stderr := registryRun(t, dir, "gate", "--candidate", "$DIR/bad.safetensors", "--champion", "$DIR/good.safetensors",
		"--data", "$DIR/holdout.parquet", "--label", "late", "--no-auto-slices", "--cost-seconds", "0", "--summary", "$DIR/summary.md")
	if code != exitFailed {
		t.Fatalf("gate: exit %d, want 1: %s%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(string(b), dir, "$DIR")
	compareGolden(t, filepath.Join("testdata", "gate_summary_md.golden"), got)
	if !strings.HasPrefix(got, "## ❌ refit gate: ") || !strings.Contains(got, "| ❌ fail |") {
		t.Errorf("summary:\n%s", got)
	}
}

// TestGateConfigPolicy: with --config and no --policy, the gates are the
// config's evaluate.gates.
func TestGateConfigPolicy(t *testing.T) {
	dir := t.TempDir()
	data := evalData(t, dir)
	evalModel(t, data, filepath.Join(dir, "good.safetensors"), 3)
	cfg := registryConfig + "evaluate:\n  gates: [{metric: auc, min: 0.999}]\n"
	if err := os.WriteFile(filepath.Join(dir, "refit.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := registryRun(t, dir, "gate", "--candidate", "$DIR/good.safetensors", "--config", "$DIR/refit.yaml",
		"--data", "$DIR/holdout.parquet", "--label", "late", "--no-auto-slices", "--cost-seconds", "0")
	if code != exitFailed || !strings.Contains(stdout, "{metric: auc, min: 0.999}") || strings.Contains(stdout, "max_drop_vs_champion") {
		t.Errorf("gate --config: exit %d:\n%s%s", code, stdout, stderr)
	}
}
