package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/promtext"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/schedules"
	"github.com/refit-ml/refit/validate/drift"
)

var update = flag.Bool("update", false, "rewrite the golden files")

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

func mustLoad(t *testing.T, path string) *pipeline.Config {
	t.Helper()
	cfg, err := pipeline.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// reload does what refit serve does on SIGHUP.
func reload(s *Server, path string) error {
	cfg, err := pipeline.Load(path)
	if err != nil {
		return err
	}
	return s.Reload(cfg)
}

func TestServeMetricsFormat(t *testing.T) {
	next := time.Date(2024, 3, 10, 2, 0, 0, 0, time.UTC)
	st := []schedules.Status{
		{Name: "nightly", Next: next, Running: true, Runs: 3, Skipped: map[string]int{schedules.SkipOverlap: 2, schedules.SkipMissed: 5}, Queued: 2, Waited: 95 * time.Second},
		{Name: `odd "name"\`, Skipped: map[string]int{schedules.SkipLocked: 1}, Waiting: true, Queued: 1},
	}
	m := jobMetrics{
		Runs:        map[[2]string]int{{"run", "promoted"}: 2, {"audit", "audited"}: 7, {"run", "blocked-data"}: 1},
		LastSuccess: map[string]time.Time{"run": next.Add(-24 * time.Hour), "audit": next.Add(-time.Hour + 250*time.Millisecond)},
		Drift:       []drift.Feature{{Name: "weight", PSI: 0.0123}, {Name: "distance", PSI: 2.0791}},
		Champion:    map[string]float64{"auc": 0.9412, "log_loss": 0.31, "accuracy": 0.875},
	}
	var b bytes.Buffer
	if err := promtext.Write(&b, metricFamilies(st, m)); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "metrics.golden"), b.String())
}

func TestServeReload(t *testing.T) {
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
	d, err := New(t.Context(), mustLoad(t, path), Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
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
		if err := reload(d, path); err == nil {
			t.Errorf("reloading %q: no error", bad)
		}
		if got := names(); len(got) != 1 || got[0] != "a @hourly" {
			t.Errorf("after a bad reload (%q): %v, want the old schedule", bad, got)
		}
	}
	write("workspace: ws\nschedules:\n  - {name: b, cron: \"*/5 * * * *\", job: audit}\n")
	if err := reload(d, path); err != nil {
		t.Fatal(err)
	}
	if got := names(); len(got) != 1 || got[0] != "b */5 * * * *" || d.Config().Schedules[0].Job != "audit" {
		t.Errorf("after a good reload: %v, want b", got)
	}
}

// TestServeNextInSpecZone checks that /healthz shows each schedule's next
// fire as `refit schedule next` prints it: in the zone of the spec's
// CRON_TZ or TZ (with that day's offset), else in the zone of the clock,
// here UTC.
func TestServeNextInSpecZone(t *testing.T) {
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
	d, err := New(t.Context(), mustLoad(t, path), Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer d.Stop(context.Background())
	var h struct {
		Schedules []struct {
			Name string
			Next string
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		rec := httptest.NewRecorder()
		d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
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

// testConfig writes a configuration with one hourly run schedule into a
// temporary directory and returns it loaded.
func testConfig(t *testing.T) *pipeline.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "refit.yaml")
	cfg := "data: {source: data, time_column: ts}\ntrain: {label: y, features: [x]}\nworkspace: ws\nschedules:\n  - {name: nightly, cron: \"@hourly\", job: run}\n"
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return mustLoad(t, path)
}

// TestHealthzFailing checks /healthz turns 503 "failing" after the
// configured number of failed scheduled runs in a row, and back to ok
// after a run that did not fail; audits do not count.
func TestHealthzFailing(t *testing.T) {
	s, err := New(t.Context(), testConfig(t), Options{Logger: slog.New(slog.DiscardHandler), FailingRuns: 2})
	if err != nil {
		t.Fatal(err)
	}
	failed := &pipeline.Record{Outcome: pipeline.OutcomeFailed}
	steps := []struct {
		kind   string
		rec    *pipeline.Record
		code   int
		status string
	}{
		{"run", failed, http.StatusOK, "ok"},
		{"audit", nil, http.StatusOK, "ok"},
		{"run", nil, http.StatusServiceUnavailable, "failing"}, // a nil record is a failure too
		{"run", failed, http.StatusServiceUnavailable, "failing"},
		{"run", &pipeline.Record{Outcome: pipeline.OutcomeKept}, http.StatusOK, "ok"},
	}
	for i, st := range steps {
		s.observe(st.kind, "nightly", st.rec, nil)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		var h Status
		if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
			t.Fatal(err)
		}
		if rec.Code != st.code || h.Status != st.status || (st.status == "failing") != strings.Contains(h.Reason, "scheduled runs failed") {
			t.Errorf("step %d (%s): %d %+v, want %d %s", i, st.kind, rec.Code, h, st.code, st.status)
		}
	}
}

// TestRunsTotalFromStart checks /metrics has a zero refit_runs_total for
// every job and outcome before any job ran, so rate() works from the start.
func TestRunsTotalFromStart(t *testing.T) {
	s, err := New(t.Context(), testConfig(t), Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	if ct := rec.Header().Get("Content-Type"); ct != promtext.ContentType {
		t.Errorf("content type %q", ct)
	}
	for kind, outcomes := range jobOutcomes {
		for _, o := range outcomes {
			want := fmt.Sprintf("refit_runs_total{job=%q,outcome=%q} 0\n", kind, o)
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	}
}

// TestExtraHandler checks Options.Extra answers the paths the Server does
// not, and not /healthz.
func TestExtraHandler(t *testing.T) {
	extra := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "dashboard "+r.URL.Path) })
	s, err := New(t.Context(), testConfig(t), Options{Logger: slog.New(slog.DiscardHandler), Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/": "dashboard /", "/runs/r1": "dashboard /runs/r1", "/healthz": `"status": "ok"`} {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET %s: %q, want %q", path, rec.Body.String(), want)
		}
	}
}

// TestGCOptions checks GCPercent and MemoryLimit hold from Start to Stop
// and the runtime's settings come back after.
func TestGCOptions(t *testing.T) {
	cfg, _ := testWorkspace(t, -0.5)
	percent := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	beforePercent, beforeLimit := percent(), debug.SetMemoryLimit(-1)
	s := newScoringServer(t, cfg, Options{GCPercent: 400, MemoryLimit: 1 << 40})
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if p, l := percent(), debug.SetMemoryLimit(-1); p != 400 || l != 1<<40 {
		t.Errorf("while serving: GC percent %d, memory limit %d; want 400, %d", p, l, int64(1<<40))
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p, l := percent(), debug.SetMemoryLimit(-1); p != beforePercent || l != beforeLimit {
		t.Errorf("after Stop: GC percent %d, memory limit %d; want %d, %d back", p, l, beforePercent, beforeLimit)
	}
}
