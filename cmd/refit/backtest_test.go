package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/pipeline/demo"
)

// backtestDir writes the demo's refit.yaml and its first three months,
// small, and returns the directory.
func backtestDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := demo.WriteConfig(dir); err != nil {
		t.Fatal(err)
	}
	for i, kind := range demo.Story[:3] {
		if _, err := demo.WriteMonth(filepath.Join(dir, "data"), demo.Start.AddDate(0, i, 0), kind, 500, 7); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBacktestCommand replays two months: JSON with the report, text, and
// flags that cannot work.
func TestBacktestCommand(t *testing.T) {
	t.Parallel()
	dir := backtestDir(t)
	var stdout, stderr bytes.Buffer
	args := []string{"backtest", "--config", filepath.Join(dir, "refit.yaml"), "--from", "2024-01-01", "--to", "2024-03-01",
		"--policies", "configured,never", "--format", "json", "--report", filepath.Join(dir, "bt.html"), "--dir", filepath.Join(dir, "bt")}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var bt pipeline.BacktestResult
	if err := json.Unmarshal(stdout.Bytes(), &bt); err != nil || len(bt.Periods) != 2 || len(bt.Summary) != 2 {
		t.Fatalf("json: %v, %d periods, %d summaries:\n%s", err, len(bt.Periods), len(bt.Summary), stdout.String())
	}
	if p := bt.Periods[1].Policies; p[0].Metric == nil || p[1].Metric == nil || bt.Summary[1].Retrains != 1 {
		t.Errorf("second period %+v, summary %+v: want both policies scored, never retrained once", p, bt.Summary)
	}
	page, err := os.ReadFile(filepath.Join(dir, "bt.html"))
	if err != nil || !strings.Contains(string(page), `<g class="line policy-configured">`) || !strings.Contains(string(page), `<g class="line policy-never">`) {
		t.Errorf("report: %v, without a line per policy", err)
	}

	// A backtest run's record names its time span.
	stdout.Reset()
	if code := run(context.Background(), []string{"runs", "show", "r000001", "--workspace", filepath.Join(dir, "bt", "configured")}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "new data  500 rows in [2024-01-01T00:00:00Z, 2024-02-01T00:00:00Z)") {
		t.Errorf("runs show: exit %d:\n%s", code, stdout.String())
	}

	stdout.Reset()
	args = []string{"backtest", "--config", filepath.Join(dir, "refit.yaml"), "--from", "2024-02-01", "--policies", "never", "--dir", filepath.Join(dir, "bt2")}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("text: exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"backtest 2024-02-01 to 2024-04-01 every 1mo: 2 periods, policies never", "decision (never)",
		"2024-02  500", "policy  mean auc", "workspaces  " + filepath.Join(dir, "bt2")} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, stdout.String())
		}
	}

	runGolden(t, dir, "backtest_bad_flags", 2, "backtest", "--config", "$DIR/refit.yaml", "--every", "1month")
	runGolden(t, dir, "backtest_bad_policy", 2, "backtest", "--config", "$DIR/refit.yaml", "--policies", "configured,sometimes", "--dir", "$DIR/bt3")
	runGolden(t, dir, "backtest_used_dir", 2, "backtest", "--config", "$DIR/refit.yaml", "--dir", "$DIR/bt")
}
