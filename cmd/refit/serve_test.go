package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/promtext"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/validate"
)

func TestServeMetricsFormat(t *testing.T) {
	t.Parallel()
	next := time.Date(2024, 3, 10, 2, 0, 0, 0, time.UTC)
	st := []schedules.Status{
		{Name: "nightly", Next: next, Running: true, Runs: 3, Skipped: map[string]int{schedules.SkipOverlap: 2, schedules.SkipMissed: 5}, Queued: 2, Waited: 95 * time.Second},
		{Name: `odd "name"\`, Skipped: map[string]int{schedules.SkipLocked: 1}, Waiting: true, Queued: 1},
	}
	m := serveMetrics{
		Runs:        map[[2]string]int{{"run", "promoted"}: 2, {"audit", "audited"}: 7, {"run", "blocked-data"}: 1},
		LastSuccess: map[string]time.Time{"run": next.Add(-24 * time.Hour), "audit": next.Add(-time.Hour + 250*time.Millisecond)},
		Drift:       []validate.FeatureDrift{{Name: "weight", PSI: 0.0123}, {Name: "distance", PSI: 2.0791}},
		Champion:    map[string]float64{"auc": 0.9412, "log_loss": 0.31, "accuracy": 0.875},
	}
	var b bytes.Buffer
	if err := promtext.Write(&b, metricFamilies(st, m)); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "serve_metrics.golden"), b.String())
}

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

func TestServeReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "refit.yaml")
	write := func(schedules string) {
		t.Helper()
		cfg := "data: {source: data, time_column: ts}\ntrain: {label: y, features: [x]}\n" + schedules
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("workspace: ws\nschedules:\n  - {name: a, cron: \"@hourly\", job: run}\n")
	d := newDaemon(path, mustLoad(t, path))
	var err error
	if d.sched, err = schedules.New(d.schedulesOf(d.config()), schedules.Options{}); err != nil {
		t.Fatal(err)
	}
	names := func() (out []string) {
		for _, st := range d.sched.Status() {
			out = append(out, st.Name+" "+st.Spec)
		}
		return out
	}
	for _, bad := range []string{
		"workspace: ws\nschedules:\n  - {name: b, cron: \"61 * * * *\", job: run}\n",
		"workspace: ws\nschedules: [{name: b, cron: \"@daily\", job: run, extra: 1}]\n",
		"workspace: elsewhere\nschedules: [{name: b, cron: \"@daily\", job: run}]\n",
	} {
		write(bad)
		d.reload()
		if got := names(); len(got) != 1 || got[0] != "a @hourly" {
			t.Errorf("after a bad reload (%q): %v, want the old schedule", bad, got)
		}
	}
	write("workspace: ws\nschedules:\n  - {name: b, cron: \"*/5 * * * *\", job: audit}\n")
	d.reload()
	if got := names(); len(got) != 1 || got[0] != "b */5 * * * *" || d.config().Schedules[0].Job != "audit" {
		t.Errorf("after a good reload: %v, want b", got)
	}
}

// TestServeNextInSpecZone checks that /healthz shows each schedule's next
// fire as `refit schedule next` prints it: in the zone of the spec's
// CRON_TZ or TZ (with that day's offset), else in the zone of the clock,
// here UTC.
func TestServeNextInSpecZone(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "refit.yaml")
	specs := []string{"CRON_TZ=America/New_York 0 6 * * *", "TZ=Asia/Tokyo 0 6 * * 1", "CRON_TZ=America/New_York 30 1 * * *", "0 6 * * *", "@every 90m"}
	cfg := "data: {source: data, time_column: ts}\ntrain: {label: y, features: [x]}\nworkspace: ws\nschedules:\n"
	for i, s := range specs {
		cfg += fmt.Sprintf("  - {name: s%d, cron: %q, job: run}\n", i, s)
	}
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	d := newDaemon(path, mustLoad(t, path))
	var err error
	opts := schedules.Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	if d.sched, err = schedules.New(d.schedulesOf(d.config()), opts); err != nil {
		t.Fatal(err)
	}
	if err := d.sched.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer d.sched.Stop()
	var h struct {
		Schedules []struct {
			Name string
			Next string
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		rec := httptest.NewRecorder()
		d.healthz(rec, httptest.NewRequest("GET", "/healthz", nil))
		if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(h.Schedules, func(s struct{ Name, Next string }) bool { return s.Next == "" }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz has no next fires: %+v", h)
		}
	}
	want := []string{"2026-11-01T06:00:00-05:00", "2026-11-02T06:00:00+09:00", "2026-11-01T01:30:00-04:00", "2026-11-01T06:00:00Z", "2026-10-31T13:30:00Z"}
	for i, s := range h.Schedules {
		next, err := schedules.Next(specs[i], now, 1)
		if err != nil {
			t.Fatal(err)
		}
		if s.Next != want[i] || s.Next != next[0].Format(time.RFC3339) {
			t.Errorf("%s (%s): /healthz next %s, want %s as refit schedule next says %s", s.Name, specs[i], s.Next, want[i], next[0].Format(time.RFC3339))
		}
	}
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
