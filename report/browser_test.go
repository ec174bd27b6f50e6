package report_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/pipeline/demo"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/workspace"
)

// chromium is Debian's headless browser, installed by .ci/run.
const chromium = "/usr/bin/chromium"

// TestReportsInChromium runs the demo story and loads its reports in
// headless Chromium: the backtest's must render a line per policy, the
// drift month's run report (trained, optimized, gated, promoted) every
// section and its charts, the incident month's its findings; and a report
// with hostile names must not gain a script.
func TestReportsInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("loads reports in a browser: skipped with -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("%s not found (apt-get install chromium): the reports are not checked in a browser", chromium)
	}
	dir := t.TempDir()
	res, err := demo.Run(context.Background(), io.Discard, demo.Options{Dir: dir, RowsPerMonth: 3000})
	if err != nil {
		t.Fatal(err)
	}
	checkRendered(t, res.Report, []string{"backtest", "summary", "metric-chart", "periods"},
		[]string{`<g class="line policy-configured">`, `<g class="line policy-never">`, `<g class="line policy-always">`, "<polyline", "blocked-data"})
	for _, m := range res.Months {
		path := m.Report
		switch m.Kind {
		case demo.Drift:
			checkRendered(t, path, []string{"run", "timeline", "decision", "findings", "checks", "profile", "drift", "coverage",
				"training", "training-curve", "optimization", "evaluation", "baselines", "confusion", "curves",
				"roc-curve", "pr-curve", "reliability", "slices", "gates"},
				[]string{`<polyline class="train"`, `<polyline class="valid"`, `<circle class="best"`, `<rect class="ref"`, `<rect class="cur"`,
					`<rect class="ok"`, "float parent", "every gate passed", "promoted", `<tr class="pass"><td class="sev pass">pass</td>`,
					"majority-class accuracy", "chance AUC", `<g class="model-candidate"><polyline`, `<g class="model-champion"><polyline`,
					"predicted positive", "validation rows", "holdout rows", "(Hanley and McNeil)"})
		case demo.Incident:
			// A blocked run keeps its context: the new data's profile,
			// drift against the champion and coverage.
			checkRendered(t, path, []string{"timeline", "decision", "findings", "profile", "drift", "coverage"},
				[]string{`<tr class="error">`, "blocked-data", `<rect class="blocked"`, `<rect class="cur"`,
					"Not reached: data errors blocked the run", "<td>distance</td><td>float64</td>"})
		}
	}
	// The audit report lists every check, passed ones too.
	audit := filepath.Join(dir, "audit.html")
	a := &report.Audit{Dataset: report.Dataset{Sources: []string{"x.parquet"}, Rows: 10}, Checks: 2,
		Findings: []expect.Finding{{Check: "nulls", Column: "a", Severity: expect.SeverityError, Expected: "null fraction <= 0%", Observed: "1 of 10 (10%)"}},
		Passed:   []expect.Finding{{Check: "range", Column: "b", Severity: expect.SeverityError, Expected: "values within [0, 5]", Observed: "min 0, max 4"}}}
	if err := report.WriteFile(audit, func(w io.Writer) error { return report.WriteHTML(w, a) }); err != nil {
		t.Fatal(err)
	}
	checkRendered(t, audit, []string{"findings", "checks"}, []string{`<td class="sev pass">pass</td><td>range</td>`, "min 0, max 4", "2 checks: the failed ones first"})
	// refit evaluate --report: models without roles, named by file.
	evalPage := filepath.Join(dir, "evaluation.html")
	curves := &evaluate.Curves{Rows: 100, Positives: 80, Threshold: 0.5, Confusion: evaluate.Confusion{TP: 75, FN: 5, FP: 10, TN: 10},
		ROC: []evaluate.CurvePoint{{X: 0, Y: 0}, {X: 0.2, Y: 0.9}, {X: 1, Y: 1}}, PR: []evaluate.CurvePoint{{X: 0.5, Y: 1}, {X: 1, Y: 0.8}},
		Reliability: []evaluate.ReliabilityBin{{Lo: 0.8, Hi: 0.9, Rows: 100, MeanScore: 0.85, Positive: 0.8}}}
	ev := &report.Evaluation{Label: "late", Rows: 100, Models: []evaluate.Result{
		{Model: "a.safetensors", Rows: 100, Metrics: map[string]float64{"accuracy": 0.85, "auc": 0.9}, Curves: curves},
		{Model: "b.safetensors", Rows: 100, Metrics: map[string]float64{"accuracy": 0.7, "auc": 0.6}, Curves: curves}}}
	if err := report.WriteFile(evalPage, func(w io.Writer) error { return report.WriteEvaluationHTML(w, ev) }); err != nil {
		t.Fatal(err)
	}
	checkRendered(t, evalPage, []string{"evaluate", "evaluation", "baselines", "confusion", "roc-curve", "pr-curve", "reliability"},
		[]string{"<th>a.safetensors</th>", `<g class="model-n0"><polyline`, `<g class="model-n1"><polyline`, "majority-class accuracy"})
	hostile := filepath.Join(dir, "hostile.html")
	if err := report.WriteFile(hostile, func(w io.Writer) error { return report.WriteRunHTML(w, hostileRun()) }); err != nil {
		t.Fatal(err)
	}
	dom := checkRendered(t, hostile, []string{"drift", "coverage"}, []string{"&lt;script&gt;alert(1)&lt;/script&gt;"})
	if strings.Contains(dom, "<script") || strings.Contains(dom, "<img") {
		t.Error("the rendered DOM has an element from a hostile name")
	}
}

// hostileRun has markup in a feature, a slice, a stage and a reason.
func hostileRun() *workspace.Record {
	x := "<script>alert(1)</script>"
	return &workspace.Record{ID: x, Outcome: workspace.OutcomeRejected, Clock: time.Unix(0, 0), Reasons: []string{x},
		Stages: []workspace.Stage{{Name: x, Status: workspace.StageFailed, Duration: time.Second, Notes: []string{`<img src=x onerror=alert(1)>`}}},
		Drift: &drift.Report{Features: []drift.Feature{{Name: x, Kind: "categorical",
			Categorical: &drift.Categorical{Categories: []drift.CategoryShare{{Value: x, Reference: 1, Current: 0.5}}}}}},
		Coverage: &coverage.Report{Slices: []coverage.Slice{{Name: x, Expr: x}}}}
}

var remoteURL = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)

// checkRendered loads path in headless Chromium and checks the DOM after
// rendering has every id and string, and the file names nothing remote. It
// returns the DOM.
func checkRendered(t *testing.T, path string, ids, wants []string) string {
	t.Helper()
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if u := remoteURL.Find(page); u != nil {
		t.Errorf("%s names %q: a report must fetch nothing", filepath.Base(path), u)
	}
	dom := dumpDOM(t, path)
	for _, id := range ids {
		if !strings.Contains(dom, `id="`+id+`"`) {
			t.Errorf("%s: rendered DOM lacks id %q", path, id)
		}
	}
	for _, w := range wants {
		if !strings.Contains(dom, w) {
			t.Errorf("%s: rendered DOM lacks %s", path, w)
		}
	}
	return dom
}

// dumpDOM returns the DOM Chromium built from the file, serialized after
// rendering.
func dumpDOM(t *testing.T, path string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", path, err, stderr.String())
	}
	if !strings.Contains(string(out), "</html>") {
		t.Fatalf("chromium printed no document for %s:\n%s", path, stderr.String())
	}
	return string(out)
}
