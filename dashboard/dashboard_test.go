package dashboard_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/refit-ml/refit/dashboard"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/pipeline/demo"
)

// demoDir is a demo's directory shared by the package's tests: the
// deployment's workspace (demo.RunMonths) under workspace/, with the
// backtest's result (demo.Run) as workspace/backtest.json.
var demoDir = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "refit-dashboard-test-")
	if err != nil {
		return "", err
	}
	madeDir = dir
	if _, err := demo.RunMonths(context.Background(), demo.Options{Dir: dir, RowsPerMonth: 2000}); err != nil {
		return "", err
	}
	res, err := demo.Run(context.Background(), io.Discard, demo.Options{Dir: filepath.Join(dir, "bt"), RowsPerMonth: 2000})
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(res.Backtest)
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "workspace", "backtest.json"), data, 0o644)
})

// madeDir is the demo's directory once a test made it, removed at the end.
var madeDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if madeDir != "" {
		os.RemoveAll(madeDir)
	}
	os.Exit(code)
}

// demoServer serves the dashboard of the demo's workspace.
func demoServer(t *testing.T) *httptest.Server {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the demo (about 20 s): skipped with -short")
	}
	dir, err := demoDir()
	if err != nil {
		t.Fatal(err)
	}
	h, err := dashboard.New(filepath.Join(dir, "workspace"), dashboard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
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
	return resp.StatusCode, string(body)
}

// TestPages loads every page of the demo's workspace and checks its
// sections and numbers against the catalog and the run records.
func TestPages(t *testing.T) {
	srv := demoServer(t)
	dir, _ := demoDir()
	ws := filepath.Join(dir, "workspace")
	rec4 := readRecord(t, ws, "r000004")
	for _, tc := range []struct {
		path  string
		wants []string
		not   []string
	}{
		{"/", []string{`id="runs"`, `id="run-r000001"`, `id="run-r000005"`, "blocked-data (1)", "promoted (2)", "kept (2)",
			`href="/runs/r000004/report"`, "2,000", rec4.Reasons[0]}, nil},
		{"/runs?outcome=blocked-data", []string{`id="run-r000005"`, "data error: "}, []string{`id="run-r000004"`}},
		{"/runs?outcome=nothing", []string{"No runs with outcome nothing yet."}, []string{`id="run-r0`}},
		{"/models", []string{`id="version-v0001"`, `id="version-v0002"`, `id="alias-champion"`, "champion → v0002",
			"run r000001: all gates passed", "run r000004: all gates passed", "pipeline", `id="gate-verdicts"`,
			numFor(rec4.Evaluation[0].Metrics["auc"]), rec4.Training.Window}, nil},
		{"/models/diff?a=v0001&b=v0002", []string{`id="diff"`, "training window", `<tr class="differs"><td>auc</td>`}, nil},
		{"/trends", []string{`id="champion-trend"`, `id="drift-heatmap"`, `id="rows-trend"`, `id="null-rates"`, `id="events"`,
			`class="m-promotion"`, `class="m-blocked"`, "promoted v0002", `<td class="v-alert" title="r000004: PSI ` + numFor(psi(rec4, "distance")), `title="r000004: instants move with the clock`}, nil},
		{"/backtest", []string{`id="backtest-summary"`, `id="backtest-chart"`, "policy-configured", "policy-never", "policy-always", "<polyline"}, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			code, body := get(t, srv.URL+tc.path)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			for _, w := range tc.wants {
				if esc := html.EscapeString(w); !strings.Contains(body, esc) && !strings.Contains(body, w) &&
					!strings.Contains(body, strings.ReplaceAll(esc, "+", "&#43;")) { // html/template escapes +
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
			if u := remoteURL.FindString(body); u != "" {
				t.Errorf("page names %q: the dashboard fetches nothing", u)
			}
		})
	}
	code, body := get(t, srv.URL+"/runs/r000004/report")
	if code != http.StatusOK || !strings.Contains(body, "refit run r000004") {
		t.Errorf("/runs/r000004/report: status %d, not the run's report", code)
	}
}

var remoteURL = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)

func readRecord(t *testing.T, ws, id string) *pipeline.Record {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ws, "runs", id, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec pipeline.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	return &rec
}

// numFor is how the pages print v: 4 significant digits.
func numFor(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func psi(rec *pipeline.Record, feature string) float64 {
	for _, f := range rec.Drift.Features {
		if f.Name == feature {
			return f.PSI
		}
	}
	return math.NaN()
}
