package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/workspace"
)

// evalRun is a run whose candidate has curves: 80 of 100 rows positive,
// so the majority class scores 0.8 and the candidate's 0.85 beats it.
func evalRun() *workspace.Record {
	curves := &evaluate.Curves{Rows: 100, Positives: 80, Threshold: 0.5, Confusion: evaluate.Confusion{TP: 75, FN: 5, FP: 10, TN: 10},
		ROC:         []evaluate.CurvePoint{{X: 0, Y: 0}, {X: 0.2, Y: 0.9}, {X: 1, Y: 1}},
		PR:          []evaluate.CurvePoint{{X: 0.5, Y: 1}, {X: 1, Y: 0.8}},
		Reliability: []evaluate.ReliabilityBin{{Lo: 0.8, Hi: 0.9, Rows: 100, MeanScore: 0.85, Positive: 0.8}}}
	return &workspace.Record{ID: "r000002", Outcome: workspace.OutcomePromoted, Evaluation: []evaluate.Result{{Model: "v0002", Rows: 100,
		Metrics: map[string]float64{"accuracy": 0.85, "auc": 0.9, "pr_auc": 0.95, "ece": 0.05}, Curves: curves,
		Slices: []evaluate.SliceResult{{Name: "long", Rows: 40, Positives: 30, Metrics: map[string]float64{"auc": 0.8},
			Interval: &evaluate.Interval{Metric: "auc", Lo: 0.61, Hi: 0.99, Level: 0.95}}}}}}
}

func TestRunBaselines(t *testing.T) {
	rows := baselineRows(runModels(evalRun()))
	if len(rows) != 1 || rows[0].Majority != "0.8000" || rows[0].Prevalence != "80% (80 of 100)" || !rows[0].BeatsMajority || !rows[0].BeatsChance {
		t.Fatalf("baselines %+v", rows)
	}
	var page, md bytes.Buffer
	if err := WriteRunHTML(&page, evalRun()); err != nil {
		t.Fatal(err)
	}
	if err := WriteRunMarkdown(&md, evalRun()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="baselines"`, `id="confusion"`, `id="roc-curve"`, `id="pr-curve"`, `id="reliability"`,
		"candidate (v0002) · AUC 0.9000", "75 <span class=\"meta\">TPR 93.8%</span>", "0.8000 [0.610, 0.990]", "<td class=\"num\">30</td>"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("run report lacks %s", want)
		}
	}
	if want := "candidate (v0002): accuracy 0.8500 against 0.8000 for the majority class (prevalence 80% (80 of 100)); AUC 0.9000 against 0.5 for chance."; !strings.Contains(md.String(), want) {
		t.Errorf("markdown lacks %q:\n%s", want, md.String())
	}
}
