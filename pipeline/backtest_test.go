package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/pipeline/demo"
)

// story is what the configured policy does with the demo's months.
var story = []pipeline.Outcome{pipeline.OutcomePromoted, pipeline.OutcomeKept, pipeline.OutcomeKept, pipeline.OutcomePromoted, pipeline.OutcomeBlockedData}

// demoData writes the demo's refit.yaml and its months: as monthly
// partitions, or all in one file.
func demoData(t *testing.T, oneFile bool, rows int) *pipeline.Config {
	t.Helper()
	dir := t.TempDir()
	cfg, err := demo.WriteConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	if oneFile {
		err = demo.WriteStory(filepath.Join(dir, "data", "all.parquet"), rows, 7)
	}
	for i, kind := range demo.Story {
		if err == nil && !oneFile {
			_, err = demo.WriteMonth(filepath.Join(dir, "data"), demo.Start.AddDate(0, i, 0), kind, rows, 7)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestBacktest replays the demo's months (monthly partitions) with the
// three policies over the range the data spans and checks each period's
// decisions and metrics, the baselines' definitions, the summary, the
// JSON shape and the report.
func TestBacktest(t *testing.T) {
	cfg := demoData(t, false, 1000)
	bt, err := pipeline.Backtest(context.Background(), cfg, pipeline.BacktestOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	jan, jun := demo.Start, demo.Start.AddDate(0, 5, 0)
	if !bt.From.Equal(jan) || !bt.To.Equal(jun) || len(bt.Periods) != 5 || bt.Every != "1mo" || bt.Metric != "auc" {
		t.Fatalf("backtest %s to %s every %s, %d periods, metric %q: want the data's five months, auc", bt.From, bt.To, bt.Every, len(bt.Periods), bt.Metric)
	}
	checkOutcomes(t, bt, pipeline.PolicyConfigured, story)
	checkOutcomes(t, bt, pipeline.PolicyNever, []pipeline.Outcome{"promoted", "kept", "kept", "kept", "blocked-data"})
	checkOutcomes(t, bt, pipeline.PolicyAlways, []pipeline.Outcome{"promoted", "promoted", "promoted", "promoted", "blocked-data"})
	checkPeriods(t, bt)
	checkSummary(t, bt)
	checkJSON(t, bt)
	checkReport(t, bt)
}

// checkOutcomes checks one policy's run outcome per period.
func checkOutcomes(t *testing.T, bt *pipeline.BacktestResult, p pipeline.Policy, want []pipeline.Outcome) {
	t.Helper()
	for i, per := range bt.Periods {
		pp := policyIn(per, p)
		if pp.Outcome != want[i] || pp.Error != "" {
			t.Errorf("%s, %s: outcome %s (error %q), want %s; reasons %q", p, per.From.Format("2006-01"), pp.Outcome, pp.Error, want[i], pp.Reasons)
		}
		if pp.Retrained != (want[i] == pipeline.OutcomePromoted) {
			t.Errorf("%s, %s: retrained %v with outcome %s", p, per.From.Format("2006-01"), pp.Retrained, pp.Outcome)
		}
	}
}

func policyIn(per pipeline.Period, p pipeline.Policy) pipeline.PolicyPeriod {
	for _, pp := range per.Policies {
		if pp.Policy == p {
			return pp
		}
	}
	return pipeline.PolicyPeriod{}
}

// checkPeriods checks who scored each period: nobody in the first (no
// champion yet), the champion each policy had at the period's start
// after that; the never baseline's champion never changes.
func checkPeriods(t *testing.T, bt *pipeline.BacktestResult) {
	t.Helper()
	for i, per := range bt.Periods {
		if per.Rows != 1000 || (i > 0) != (per.Scored == 1000) {
			t.Errorf("period %d: %d rows, %d scored; want 1000 and 1000 scored from the second period", i, per.Rows, per.Scored)
		}
		for _, pp := range per.Policies {
			if (pp.Metric == nil) != (i == 0) || (pp.Champion == "") != (i == 0) {
				t.Errorf("period %d, %s: champion %q, metric %v; want none only in the first period", i, pp.Policy, pp.Champion, pp.Metric)
			}
			if i > 0 && pp.Champion != bt.Periods[i-1].Policies[slices.Index(bt.Policies, pp.Policy)].ChampionAfter {
				t.Errorf("period %d, %s: scored by %s, not the previous period's champion", i, pp.Policy, pp.Champion)
			}
			if pp.Metric != nil && (*pp.Metric < 0.6 || *pp.Metric > 1) {
				t.Errorf("period %d, %s: auc %.4f out of the plausible range", i, pp.Policy, *pp.Metric)
			}
		}
		if never := policyIn(per, pipeline.PolicyNever); i > 0 && never.Champion != "v0001" {
			t.Errorf("period %d: the never baseline's champion is %s, want v0001", i, never.Champion)
		}
	}
}

// checkSummary checks the retrains against the baselines' definitions
// (never: once; always: every period whose data passed the checks, all
// but the broken month) and the means against the periods.
func checkSummary(t *testing.T, bt *pipeline.BacktestResult) {
	t.Helper()
	want := map[pipeline.Policy]int{pipeline.PolicyConfigured: 2, pipeline.PolicyNever: 1, pipeline.PolicyAlways: 4}
	for i, s := range bt.Summary {
		if s.Policy != bt.Policies[i] || s.Retrains != want[s.Policy] || s.Promotions != want[s.Policy] || s.Scored != 4 || s.NoChampion != 1 || s.Failures != 0 {
			t.Errorf("summary %+v: want %d retrains and promotions, 4 scored periods, 1 without a champion", s, want[s.Policy])
		}
		var sum, secs float64
		for _, per := range bt.Periods[1:] {
			sum += *per.Policies[i].Metric
		}
		for _, per := range bt.Periods {
			secs += per.Policies[i].TrainSeconds
		}
		if s.MeanMetric == nil || math.Abs(*s.MeanMetric-sum/4) > 1e-12 || s.TrainSeconds != secs || secs <= 0 {
			t.Errorf("%s: mean %v, train %.3fs; want %.6f, %.3fs", s.Policy, s.MeanMetric, s.TrainSeconds, sum/4, secs)
		}
	}
}

// checkJSON checks the JSON has the fields a script reads.
func checkJSON(t *testing.T, bt *pipeline.BacktestResult) {
	t.Helper()
	data, err := json.Marshal(bt)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		From, To, Every, Metric string
		Policies                []string
		Periods                 []struct {
			From     time.Time
			Rows     int
			Policies []map[string]any
		}
		Summary []map[string]any
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.From != "2024-01-01T00:00:00Z" || got.Metric != "auc" || strings.Join(got.Policies, ",") != "configured,never,always" || len(got.Periods) != 5 {
		t.Errorf("json header: %s", data[:200])
	}
	for _, key := range []string{"policy", "champion", "metric", "run", "outcome", "reasons", "retrained", "train_seconds", "champion_after"} {
		if _, ok := got.Periods[1].Policies[0][key]; !ok {
			t.Errorf("json period policy lacks %q: %v", key, got.Periods[1].Policies[0])
		}
	}
	if m, ok := got.Periods[0].Policies[0]["metric"]; !ok || m != nil {
		t.Errorf("json: the first period's metric is %v, want null", m)
	}
	for _, key := range []string{"policy", "mean_metric", "scored", "no_champion", "retrains", "promotions", "train_seconds"} {
		if _, ok := got.Summary[2][key]; !ok {
			t.Errorf("json summary lacks %q: %v", key, got.Summary[2])
		}
	}
}

// checkReport checks the HTML report draws a line for every policy.
func checkReport(t *testing.T, bt *pipeline.BacktestResult) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "backtest.html")
	if err := pipeline.WriteBacktestReport(path, bt); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range bt.Policies {
		line := `<g class="line policy-` + string(p) + `">`
		i := bytes.Index(page, []byte(line))
		if i < 0 || !bytes.Contains(page[i:], []byte("<polyline points=")) || bytes.Count(page[i:], []byte("<circle")) < 4 {
			t.Errorf("report: no line with four points for policy %s", p)
		}
	}
}

// TestBacktestOneFile replays the same months from one file with an
// explicit range and step: each period's new data is the file's rows of
// that month, and the configured policy tells the same story.
func TestBacktestOneFile(t *testing.T) {
	cfg := demoData(t, true, 1000)
	step, err := pipeline.ParseStep("1mo")
	if err != nil {
		t.Fatal(err)
	}
	bt, err := pipeline.Backtest(context.Background(), cfg, pipeline.BacktestOptions{Dir: t.TempDir(), From: demo.Start,
		To: demo.Start.AddDate(0, 5, 0), Every: step, Policies: []pipeline.Policy{pipeline.PolicyConfigured}})
	if err != nil {
		t.Fatal(err)
	}
	checkOutcomes(t, bt, pipeline.PolicyConfigured, story)
	for _, per := range bt.Periods {
		if per.Rows != 1000 {
			t.Errorf("%s: %d new rows, want the month's 1000", per.From.Format("2006-01"), per.Rows)
		}
	}
}

// TestBacktestOptions checks options that cannot work fail before any run.
func TestBacktestOptions(t *testing.T) {
	cfg := demoData(t, true, 50)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "never", "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string]pipeline.BacktestOptions{
		"no dir":       {},
		"empty range":  {Dir: t.TempDir(), From: demo.Start, To: demo.Start},
		"bad policy":   {Dir: t.TempDir(), Policies: []pipeline.Policy{"sometimes"}},
		"used dir":     {Dir: dir},
		"many periods": {Dir: t.TempDir(), Every: pipeline.Step{Duration: time.Minute}},
	} {
		if _, err := pipeline.Backtest(context.Background(), cfg, opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseStep(t *testing.T) {
	for in, want := range map[string]string{"1mo": "1mo", "3mo": "3mo", "1y": "1y", "2w": "14d", "7d": "7d", "12h": "12h0m0s"} {
		s, err := pipeline.ParseStep(in)
		if err != nil || s.String() != want {
			t.Errorf("ParseStep(%q) = %v, %v; want %s", in, s, err, want)
		}
	}
	for _, in := range []string{"", "0mo", "-1d", "mo", "1month", "1.5mo"} {
		if _, err := pipeline.ParseStep(in); err == nil {
			t.Errorf("ParseStep(%q): no error", in)
		}
	}
}

// TestPolicies runs one month under each policy with a gate no model
// passes: the configured policy rejects the candidate, the baselines
// promote it (forced, with the failed gate in the reasons); the next
// month never keeps its champion and always retrains.
func TestPolicies(t *testing.T) {
	dir := t.TempDir()
	if _, err := demo.WriteConfig(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "refit.yaml")
	yaml, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.Replace(yaml, []byte("{metric: auc, min: 0.7}"), []byte("{metric: auc, min: 0.999}"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := demo.WriteMonth(filepath.Join(dir, "data"), demo.Start.AddDate(0, i, 0), demo.Stable, 600, 7); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := pipeline.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	feb, mar := demo.Start.AddDate(0, 1, 0), demo.Start.AddDate(0, 2, 0)
	for _, tc := range []struct {
		policy      pipeline.Policy
		jan, feb    pipeline.Outcome
		janReason   string
		febRetrains bool
	}{
		{pipeline.PolicyConfigured, pipeline.OutcomeRejected, pipeline.OutcomeRejected, "gate failed: auc", true},
		{pipeline.PolicyNever, pipeline.OutcomePromoted, pipeline.OutcomeKept, "promoted anyway (policy never)", false},
		{pipeline.PolicyAlways, pipeline.OutcomePromoted, pipeline.OutcomePromoted, "promoted anyway (policy always)", true},
	} {
		t.Run(string(tc.policy), func(t *testing.T) {
			c := *cfg
			c.Workspace = t.TempDir()
			rec, err := pipeline.Run(context.Background(), &c, pipeline.Options{Now: feb, NewSince: demo.Start, Policy: tc.policy})
			if rec == nil {
				t.Fatal(err)
			}
			if rec.Outcome != tc.jan || !strings.Contains(strings.Join(rec.Reasons, "\n"), tc.janReason) {
				t.Errorf("january: %s %q; want %s with %q", rec.Outcome, rec.Reasons, tc.jan, tc.janReason)
			}
			if rec, err = pipeline.Run(context.Background(), &c, pipeline.Options{Now: mar, NewSince: feb, Policy: tc.policy}); rec == nil {
				t.Fatal(err)
			}
			if rec.Outcome != tc.feb || (rec.Training != nil) != tc.febRetrains || rec.NewSpan == "" || len(rec.NewFiles) != 0 {
				t.Errorf("february: %s, trained %v, span %q, files %v; want %s, trained %v, a span and no files",
					rec.Outcome, rec.Training != nil, rec.NewSpan, rec.NewFiles, tc.feb, tc.febRetrains)
			}
		})
	}
	if _, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Policy: "sometimes"}); !errors.Is(err, pipeline.ErrConfig) {
		t.Errorf("unknown policy: %v", err)
	}
}
