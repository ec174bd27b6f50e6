package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/optimize"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/workspace"
	"golang.org/x/net/html"
)

func ptr(v float64) *float64 { return &v }

// sampleDrift has a hostile numeric feature, a categorical one and a
// temporal one, whose W1 of 31 days in µs has no unit recorded (as in
// reports saved before the unit was): it comes from the type.
func sampleDrift() *drift.Report {
	ms := 0.8
	return &drift.Report{ReferenceRows: 2500, CurrentRows: 3000, Verdict: validate.VerdictAlert,
		Options: drift.Options{PSIAlert: 0.25, NullAlert: 0.2},
		Features: []drift.Feature{
			{Name: "<script>alert(1)</script>", Type: "double", Kind: "numeric", Verdict: validate.VerdictAlert, PSI: 2.09, JS: 0.565,
				Nulls: drift.Nulls{Reference: 0, Current: 0.01, Change: 0.01}, Notes: []string{"<b>mean</b> moved"},
				Numeric: &drift.Numeric{KS: 0.5715, Wasserstein: 326.3, MeanShift: &ms,
					Reference: drift.MomentSummary{Count: 2500}, Current: drift.MomentSummary{Count: 3000},
					Histogram: drift.BinShares{Edges: []float64{0, 100, 200, 300}, Reference: []float64{0.6, 0.3, 0.1}, Current: []float64{0.2, 0.3, 0.5}}}},
			{Name: "carrier", Type: "utf8", Kind: "categorical", Verdict: validate.VerdictWarn, PSI: 0.15, JS: 0.2,
				Categorical: &drift.Categorical{Categories: []drift.CategoryShare{
					{Value: "north", Reference: 0.5, Current: 0.3}, {Value: "<i>south</i>", Reference: 0.3, Current: 0.3}, {Value: drift.OtherCategory, Reference: 0.2, Current: 0.4}}}},
			{Name: "date", Type: "timestamp[us, tz=UTC]", Kind: "temporal", Verdict: validate.VerdictOK, PSI: 0.01, JS: 0.01,
				Numeric: &drift.Numeric{Wasserstein: 2.6784e12, Reference: drift.MomentSummary{Count: 2500}, Current: drift.MomentSummary{Count: 3000},
					Histogram: drift.BinShares{Edges: []float64{1.7040672e15, 1.7066592e15}, Reference: []float64{1}, Current: []float64{1}}}},
		}}
}

func sampleCoverage() *coverage.Report {
	return &coverage.Report{Rows: 3000, Verdict: validate.VerdictAlert, Label: &coverage.LabelRate{Labeled: 3000, Positive: 1500, Rate: 0.5},
		Slices: []coverage.Slice{
			{Name: "long_haul", Expr: "distance > 2000", Kind: "expr", Rows: 1234, Share: 0.411, Label: &coverage.LabelRate{Rate: 0.97}},
			{Name: "<svg onload=x>", Expr: "origin in [\"ANC\", \"<HNL>\"]", Kind: "expr", Rows: 0, Share: 0, ReferenceShare: ptr(0.01), Verdict: validate.VerdictAlert},
		},
		Findings: []coverage.Finding{{Slice: "<svg onload=x>", Problem: coverage.ProblemShareFell, Verdict: validate.VerdictAlert, Message: "share 0% vs 1% in the reference"}},
	}
}

// sampleRun is a promoted run with every part, some of it hostile.
func sampleRun() *workspace.Record {
	start := time.Date(2024, 5, 1, 0, 0, 1, 0, time.UTC)
	stage := func(name string, status workspace.StageStatus, off, d time.Duration, notes ...string) workspace.Stage {
		return workspace.Stage{Name: name, Status: status, Started: start.Add(off), Duration: d, Notes: notes}
	}
	var epochs []train.Epoch
	for i := 1; i <= 12; i++ {
		f := float64(i)
		epochs = append(epochs, train.Epoch{Epoch: i, TrainLoss: 0.7/f + 0.05, ValidLoss: 0.65/f + 0.06 + 0.002*f, ValidMetric: 0.8 + 0.01*f})
	}
	return &workspace.Record{ID: "r000004", Trigger: "demo", Clock: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Started: start,
		Finished: start.Add(2400 * time.Millisecond), Outcome: workspace.OutcomePromoted, ChampionBefore: "v0001", ChampionAfter: "v0002", Candidate: "v0002",
		Reasons:  []string{"drift alert on <script>alert(1)</script> (PSI 2.09 ≥ 0.25): retrain", "candidate v0002 passed every gate: promoted to champion"},
		NewFiles: []string{"data/month=2024-04/part-0.parquet"}, NewRows: 3000,
		Stages: []workspace.Stage{stage("discover", workspace.StageOK, 0, 200*time.Microsecond, "4 files, 1 new"), stage("validate", workspace.StageOK, time.Millisecond, 72*time.Millisecond),
			stage("decide", workspace.StageOK, 80*time.Millisecond, 27*time.Millisecond), stage("train", workspace.StageOK, 110*time.Millisecond, 522*time.Millisecond, "30 epochs"),
			stage("optimize", workspace.StageOK, 640*time.Millisecond, 136*time.Millisecond), stage("evaluate", workspace.StageOK, 780*time.Millisecond, 1600*time.Millisecond, "<gates> passed"),
			stage("register", workspace.StageSkipped, 2390*time.Millisecond, 0, "promotion off")},
		Findings: &expect.CheckResult{Checks: 12, Findings: []expect.Finding{{Check: "range", Column: "distance", Severity: expect.SeverityWarn,
			Expected: "values within [30, 1410]", Observed: "max 3396", Failing: 69, Total: 3000, Fraction: 0.023}}},
		Drift: sampleDrift(), Coverage: sampleCoverage(),
		Monitor:  &workspace.MonitorResult{Metric: "auc", Value: 0.71, Rows: 3000, Threshold: 0.7},
		Training: &workspace.TrainingSummary{Window: "2024-01 to 2024-04", Report: train.Report{Metric: "auc", TrainRows: 3405, ValidRows: 378, Params: 1025, BestEpoch: 9, History: epochs}},
		Optimization: &optimize.Result{Metric: "auc", Baseline: 0.8731, Final: 0.8678, Attempts: []optimize.Attempt{
			{Sparsity: 0.5, Quantized: true, Metric: 0.8678, Drop: 0.0053, Kept: true, Reason: "auc drop 0.0053 ≤ 0.01"},
			{Sparsity: 0.8, Structured: true, Quantized: true, FloatLayers: []int{0}, Metric: 0.80, Drop: 0.07, Reason: "drop too large"}}},
		Evaluation: []evaluate.Result{
			{Model: "candidate", Rows: 668, Metrics: map[string]float64{"auc": 0.8545, "accuracy": 0.8713},
				Slices: []evaluate.SliceResult{{Name: "long <haul>", Rows: 211, Metrics: map[string]float64{"auc": 0.8123}}},
				Cost:   evaluate.Cost{Bytes: 3380, Params: 1025, Nonzeros: 537, LatencyP50Us: 0.3, LatencyP99Us: 0.35, RowsPerSec: 6.5e6}},
			{Model: workspace.FloatParentName, Rows: 668, Metrics: map[string]float64{"auc": 0.8549, "accuracy": 0.8713},
				Cost: evaluate.Cost{Bytes: 6042, Params: 1025, Nonzeros: 1025, LatencyP50Us: 0.4, LatencyP99Us: 0.4, RowsPerSec: 1.9e6}},
			{Model: "v0001", Rows: 668, Metrics: map[string]float64{"auc": 0.7147, "brier": 0.17}},
		},
		Verdict: &evaluate.Verdict{Pass: true, Checks: []evaluate.GateResult{
			{Gate: "{metric: auc, min: 0.7}", Observed: ptr(0.8545), Threshold: ptr(0.7), Pass: true, Reason: "auc 0.8545 is within bounds"},
			{Gate: "beat_champion", Slice: "<script>", Pass: true, Reason: "no <champion> slice"}}},
	}
}

// parseHTML returns the element counts, the text and the ids of a page,
// failing on anything that would fetch.
func parseHTML(t *testing.T, page string) (counts map[string]int, text string, ids map[string]bool) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	counts, ids = map[string]int{}, map[string]bool{}
	var texts []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			counts[n.Data]++
			for _, a := range n.Attr {
				switch {
				case a.Key == "id":
					ids[a.Val] = true
				case a.Key == "src" || a.Key == "href" || strings.HasPrefix(a.Key, "on"):
					t.Errorf("<%s %s=%q>: fetches or runs something", n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.TextNode {
			texts = append(texts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return counts, strings.Join(texts, ""), ids
}

func TestRunHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRunHTML(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	counts, text, ids := parseHTML(t, buf.String())
	if counts["i"] != strings.Count(buf.String(), "<i class=") {
		t.Error("an <i> element that is not a legend swatch: a value was not escaped")
	}
	for _, el := range []string{"script", "b", "hnl"} {
		if counts[el] != 0 {
			t.Errorf("%d <%s> elements: a value was not escaped", counts[el], el)
		}
	}
	// timeline, training curve, and three drift charts (one per feature);
	// the hostile slice name must not add an <svg>.
	if counts["svg"] != 5 || counts["polyline"] != 2 || counts["circle"] != 1 {
		t.Errorf("svg %d, polyline %d, circle %d; want 5, 2, 1", counts["svg"], counts["polyline"], counts["circle"])
	}
	for _, id := range []string{"run", "timeline", "decision", "findings", "drift", "coverage", "training", "training-curve", "optimization", "evaluation", "slices", "gates"} {
		if !ids[id] {
			t.Errorf("no element with id %q", id)
		}
	}
	for _, want := range []string{"<script>alert(1)</script>", "<svg onload=x>", "<i>south</i>", "v0001 → v0002", "best epoch 9",
		"-47.6%", "float parent", "champion (v0001)", "beat_champion [<script>]", "every gate passed", "sparsity 80% structured, int8 (float layers 0)",
		"auc per slice of the holdout", "long <haul>", "0.8123"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestRunMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRunMarkdown(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "run.md"), buf.String())
}

// TestSectionsEmpty renders a run with nothing but its header: every
// section says why it is empty.
func TestSectionsEmpty(t *testing.T) {
	var buf bytes.Buffer
	r := &workspace.Record{ID: "r1", Outcome: workspace.OutcomeNoData, Reasons: []string{"no new data files since the last run"}}
	if err := WriteRunHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	_, text, _ := parseHTML(t, buf.String())
	for _, want := range []string{"No drift measured", "No coverage measured", "No model was trained", "No optimization", "No gates were checked", "No findings"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

// TestRunHTMLSpan renders a run whose new rows were a time span: the
// header names the span, not files.
func TestRunHTMLSpan(t *testing.T) {
	var buf bytes.Buffer
	r := &workspace.Record{ID: "r1", Outcome: workspace.OutcomeKept, NewRows: 1000, NewSpan: "[2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z)"}
	if err := WriteRunHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	_, text, _ := parseHTML(t, buf.String())
	if !strings.Contains(text, "1,000 rows in the time span [2024-02-01T00:00:00Z, 2024-03-01T00:00:00Z)") || strings.Contains(text, "0 files") {
		t.Errorf("header does not name the span:\n%s", text[:300])
	}
}
