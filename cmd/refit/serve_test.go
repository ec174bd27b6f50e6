package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/promtext"
	"github.com/refit-ml/refit/registry"
)

// syncBuffer is a bytes.Buffer safe for the daemon and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServe runs `refit serve` with an audit every second on the demo
// workspace, reads /healthz and /metrics, and stops it by canceling.
func testServe(t *testing.T, dir string) {
	april := filepath.Join(dir, "data", "month=2024-04")
	data, err := os.ReadFile(filepath.Join(april, "part-0.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(april, "part-1.parquet"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	killed := leaveRunning(t, filepath.Join(dir, "workspace"))
	cfg := withSchedules(t, dir, "serve.yaml", "schedules:\n  - {name: often, cron: \"@every 1s\", job: audit, timeout: 30s}\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	base := waitForAddr(t, &stdout, &stderr)
	// Two audits that both saw the new file: an audit leaves files for the
	// next run.
	metrics := waitForMetric(t, base, `refit_runs_total{job="audit",outcome="audited"} 2`)
	for _, want := range []string{
		"# TYPE refit_run_skipped_total counter\n",
		`refit_run_skipped_total{schedule="often",reason="overlap"} `,
		`refit_job_running{schedule="often"} `,
		`refit_last_success_timestamp_seconds{job="audit"} `,
		`refit_drift_psi{feature="distance"} `,
		`refit_champion_metric{metric="auc"} `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, metrics)
		}
	}
	checkHealthz(t, base)
	if meta := get(t, base+"/v2/models/champion", "application/json"); !strings.Contains(meta, `"versions":["v0`) || !strings.Contains(meta, `"name":"distance"`) {
		t.Errorf("/v2/models/champion: %s", meta)
	}
	checkInterrupted(t, filepath.Join(dir, "workspace"), killed, stdout.String())
	cancel()
	select {
	case code := <-done:
		if code != 0 || !strings.Contains(stdout.String(), "refit serve: stopped") {
			t.Errorf("serve exited %d; stdout %s; stderr %s", code, stdout.String(), stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15s of cancellation")
	}
}

func waitForAddr(t *testing.T, stdout, stderr *syncBuffer) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		out := stdout.String()
		if i := strings.Index(out, "http://"); i >= 0 {
			if j := strings.Index(out[i:], "/healthz"); j > 0 {
				return out[i : i+j]
			}
		}
	}
	t.Fatalf("serve did not start: stdout %s; stderr %s", stdout.String(), stderr.String())
	return ""
}

func waitForMetric(t *testing.T, base, want string) string {
	t.Helper()
	var body string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		body = get(t, base+"/metrics", promtext.ContentType)
		if strings.Contains(body, want) {
			return body
		}
	}
	t.Fatalf("/metrics never showed %s:\n%s", want, body)
	return ""
}

func checkHealthz(t *testing.T, base string) {
	var h struct {
		Status    string
		Schedules []struct {
			Name, Job string
			Next      time.Time
			Runs      int
		}
	}
	if err := json.Unmarshal([]byte(get(t, base+"/healthz", "application/json")), &h); err != nil {
		t.Fatal(err)
	}
	if h.Status != "ok" || len(h.Schedules) != 1 || h.Schedules[0].Name != "often" || h.Schedules[0].Job != "audit" ||
		h.Schedules[0].Next.IsZero() || h.Schedules[0].Runs < 1 {
		t.Errorf("/healthz: %+v", h)
	}
}

func get(t *testing.T, url, contentType string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != contentType {
		t.Fatalf("GET %s: %s, %s", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	return string(body)
}

// leaveRunning starts a run in the workspace's catalog and leaves it
// running, as a killed `refit run` does, and returns its id.
func leaveRunning(t *testing.T, ws string) string {
	t.Helper()
	reg, err := registry.Open(context.Background(), ws, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	run, err := reg.StartRun(context.Background(), "killed")
	if err != nil {
		t.Fatal(err)
	}
	return run.ID
}

// checkInterrupted checks serve closed the run a killed process left
// running, at its start, and said so.
func checkInterrupted(t *testing.T, ws, id, stdout string) {
	t.Helper()
	reg, err := registry.Open(context.Background(), ws, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	run, err := reg.GetRun(context.Background(), id)
	if err != nil || run.Status != registry.RunInterrupted || run.Finished.IsZero() {
		t.Errorf("run left running before serve started: %+v, %v", run, err)
	}
	if !strings.Contains(stdout, "recovered the workspace: closed "+id+", interrupted") {
		t.Errorf("serve did not say it closed %s:\n%s", id, stdout)
	}
}

// TestServeFlagErrors checks serve's flag errors: one line, exit 2,
// before anything is read or started.
func TestServeFlagErrors(t *testing.T) {
	t.Setenv("REFIT_SERVE_TOKEN", "")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "empty-token"), []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runCases(t, dir, nil, []cliCase{
		{"serve_listen_no_token", []string{"serve", "--config", "$DIR/refit.yaml", "--listen", "0.0.0.0:0"}, 2},
		{"serve_token_file_missing", []string{"serve", "--config", "$DIR/refit.yaml", "--token-file", "$DIR/none"}, 2},
		{"serve_token_file_empty", []string{"serve", "--config", "$DIR/refit.yaml", "--token-file", "$DIR/empty-token"}, 2},
		{"serve_bad_batch", []string{"serve", "--config", "$DIR/refit.yaml", "--max-batch-rows", "0"}, 2},
	}, nil)
}
