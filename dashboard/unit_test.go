package dashboard

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
)

// emptyWorkspace is a workspace with a catalog and nothing in it.
func emptyWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	reg, err := registry.Open(context.Background(), dir, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestNewNeedsACatalog(t *testing.T) {
	if _, err := New(t.TempDir(), Options{}); err == nil {
		t.Fatal("New on a folder without catalog.db: no error")
	}
}

func TestEmptyWorkspace(t *testing.T) {
	h, err := New(emptyWorkspace(t), Options{Prefix: "/ui"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/", 200, "No runs yet."},
		{"/runs", 200, `href="/ui/trends"`},
		{"/models", 200, "No model versions yet."},
		{"/models/diff", 200, "Pick two versions to compare."},
		{"/models/diff?a=v0001&b=v0002", 404, "not found"},
		{"/trends", 200, "No runs yet."},
		{"/backtest", 200, "No backtest in this workspace."},
		{"/runs/r000001/report", 404, "has no report"},
		{"/runs/..%2Fcatalog.db/report", 404, ""},
		{"/nothing", 404, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("GET %s: %d %q, want %d with %q", tc.path, rec.Code, rec.Body.String(), tc.code, tc.want)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s: Content-Security-Policy %q", tc.path, csp)
		}
	}
}

func TestNumText(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{{0.8720740811, "0.8721"}, {2000, "2,000"}, {1.5e-5, "1.5e-05"}, {math.NaN(), "NaN"}, {-0.17911, "-0.1791"}, {0, "0"}} {
		if got := numText(tc.v); got != tc.want {
			t.Errorf("numText(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestLineChart(t *testing.T) {
	c := newLineChart([]string{"a", "b", "c", "d"}, []series{{Name: "s", Values: []float64{1, math.NaN(), 2, 3}}}, []marker{{At: 3, Class: "m-promotion"}})
	if c.Empty || len(c.Lines) != 1 {
		t.Fatalf("chart %+v", c)
	}
	l := c.Lines[0]
	// The gap at b splits the line: a alone has no segment, c-d has one.
	if len(l.Segments) != 1 || len(l.Points) != 3 {
		t.Errorf("segments %q, %d points; want 1 segment, 3 points", l.Segments, len(l.Points))
	}
	if l.Points[0].Y != c.Bottom || l.Points[2].Y != c.Top {
		t.Errorf("lowest value at y=%v, highest at %v; want %v and %v", l.Points[0].Y, l.Points[2].Y, c.Bottom, c.Top)
	}
	if len(c.Marks) != 1 || c.Marks[0].X != c.Right {
		t.Errorf("marks %+v: want one at x=%v", c.Marks, c.Right)
	}
	if e := newLineChart([]string{"a"}, []series{{Values: []float64{math.NaN()}}}, nil); !e.Empty {
		t.Error("a chart without values is not Empty")
	}
}

func TestDiffRows(t *testing.T) {
	a := &versionRow{Version: registry.Version{ID: "v0001", Gate: registry.GatePassed}, Metrics: map[string]float64{"auc": 0.75, "f1": 0.6}}
	b := &versionRow{Version: registry.Version{ID: "v0002", Parent: "v0001", Gate: registry.GatePassed}, Metrics: map[string]float64{"auc": 0.8}}
	rows := diffRows(a, b)
	byName := map[string]diffRow{}
	for _, r := range rows {
		byName[r.Name] = r
	}
	if r := byName["auc"]; r.Change != "+0.05" || !r.Differs {
		t.Errorf("auc row %+v", r)
	}
	if r := byName["f1"]; r.B != "-" || r.Change != "" || !r.Differs {
		t.Errorf("f1 row %+v", r)
	}
	if r := byName["parent"]; r.A != "-" || r.B != "v0001" || !r.Differs {
		t.Errorf("parent row %+v", r)
	}
	if r := byName["gate"]; r.Differs {
		t.Errorf("gate row %+v differs", r)
	}
}

// TestMonitored checks the trends chart takes the realized and the
// estimated metric apart, whichever of them decided the run.
func TestMonitored(t *testing.T) {
	realized := 0.71
	for _, tc := range []struct {
		name      string
		m         *pipeline.MonitorResult
		real, est float64
	}{
		{"none", nil, math.NaN(), math.NaN()},
		{"other metric", &pipeline.MonitorResult{Metric: "accuracy", Value: 0.9}, math.NaN(), math.NaN()},
		{"realized only", &pipeline.MonitorResult{Metric: "auc", Value: 0.72}, 0.72, math.NaN()},
		{"estimate decided, no labels", &pipeline.MonitorResult{Metric: "auc", Value: 0.75, Source: pipeline.SourceEstimated,
			Estimated: &pipeline.EstimatedMetric{Value: 0.75}}, math.NaN(), 0.75},
		{"both", &pipeline.MonitorResult{Metric: "auc", Value: 0.75, Source: pipeline.SourceEstimated, Realized: &realized,
			Estimated: &pipeline.EstimatedMetric{Value: 0.75}}, 0.71, 0.75},
	} {
		r, e := monitored(tc.m, "auc")
		same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
		if !same(r, tc.real) || !same(e, tc.est) {
			t.Errorf("%s: got realized %v estimated %v, want %v %v", tc.name, r, e, tc.real, tc.est)
		}
	}
}
