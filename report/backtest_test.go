package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sampleBacktest is five months of three policies: no champion in the
// first, a retrain in the fourth, a blocked fifth, and a hostile reason.
func sampleBacktest() *Backtest {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &Backtest{From: start, To: start.AddDate(0, 5, 0), Every: "1mo", Metric: "auc", Policies: []string{"configured", "never", "always"}, Dir: "/tmp/bt"}
	metrics := [][3]float64{{}, {0.81, 0.81, 0.81}, {0.8, 0.8, 0.805}, {0.7, 0.7, 0.79}, {0.78, 0.69, 0.79}}
	outcomes := [][3]string{{"promoted", "promoted", "promoted"}, {"kept", "kept", "promoted"}, {"kept", "kept", "promoted"},
		{"promoted", "kept", "promoted"}, {"blocked-data", "blocked-data", "blocked-data"}}
	for i := range 5 {
		per := BacktestPeriod{From: start.AddDate(0, i, 0), To: start.AddDate(0, i+1, 0), Rows: 5000, Scored: 5000}
		for j, name := range b.Policies {
			p := BacktestPolicy{Policy: name, Outcome: outcomes[i][j], Run: "r00000" + string(rune('1'+i)), Reasons: []string{"reason of " + name}}
			if i > 0 {
				m := metrics[i][j]
				p.Metric, p.Champion = &m, "v0001"
			}
			if p.Outcome == "promoted" {
				p.Retrained, p.TrainSeconds, p.ChampionAfter = true, 1.25, "v000"+string(rune('1'+i))
			}
			per.Policies = append(per.Policies, p)
		}
		b.Periods = append(b.Periods, per)
	}
	b.Periods[3].Policies[0].Reasons = []string{"drift alert on <script>alert(1)</script> (PSI 2.09 ≥ 0.25): retrain", "candidate v0002 passed every gate: promoted to champion"}
	mean := func(v float64) *float64 { return &v }
	b.Summary = []BacktestSummary{
		{Policy: "configured", MeanMetric: mean(0.7725), Scored: 4, Retrains: 2, Promotions: 2, TrainSeconds: 2.5, NoChampion: 1},
		{Policy: "never", MeanMetric: mean(0.75), Scored: 4, Retrains: 1, Promotions: 1, TrainSeconds: 1.25, NoChampion: 1},
		{Policy: "always", MeanMetric: mean(0.7988), Scored: 4, Retrains: 4, Promotions: 4, TrainSeconds: 5, NoChampion: 1}}
	return b
}

func TestBacktestTextGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteBacktestText(&buf, sampleBacktest()); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "backtest.txt"), buf.String())
}

// TestBacktestHTML checks the chart has a line and a point per scored
// period for every policy, the tables, and that nothing is fetched or
// unescaped.
func TestBacktestHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteBacktestHTML(&buf, sampleBacktest()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	counts, text, ids := parseHTML(t, page)
	if counts["script"] != 0 {
		t.Error("a <script> element: a reason was not escaped")
	}
	if counts["svg"] != 1 || counts["polyline"] != 3 || counts["circle"] != 12 {
		t.Errorf("svg %d, polyline %d, circle %d; want 1, 3 (one per policy), 12 (four scored periods each)", counts["svg"], counts["polyline"], counts["circle"])
	}
	for _, p := range []string{"configured", "never", "always"} {
		if !strings.Contains(page, `<g class="line policy-`+p+`">`) {
			t.Errorf("no line for policy %s", p)
		}
	}
	// The legend lists the policies in order; the first one's line is
	// drawn last, on top.
	if !strings.Contains(page, `<div class="legend"><span><i class="swatch policy-configured"></i>configured</span><span><i class="swatch policy-never">`) ||
		strings.Index(page, `policy-configured">`+"\n<polyline") < strings.Index(page, `policy-always">`+"\n<polyline") {
		t.Error("legend out of order, or the configured line not drawn last")
	}
	if !strings.Contains(page, `<span class="outcome promoted">promoted v0004</span>`) {
		t.Error("the decision's class is not the bare outcome")
	}
	for _, id := range []string{"backtest", "summary", "metric", "metric-chart", "periods"} {
		if !ids[id] {
			t.Errorf("no element with id %q", id)
		}
	}
	for _, want := range []string{"2024-01-01 to 2024-06-01, every 1mo (5 periods)", "0.7725", "2024-04", "drift alert on <script>alert(1)</script>",
		"promoted v0004", "Means over the 4 periods", "always, 2024-03: auc 0.8050 (champion v0001); then promoted"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

// TestBacktestHTMLUnscored renders a backtest whose only period had no
// champion: no chart, and a sentence saying why.
func TestBacktestHTMLUnscored(t *testing.T) {
	b := sampleBacktest()
	b.Periods = b.Periods[:1]
	var buf bytes.Buffer
	if err := WriteBacktestHTML(&buf, b); err != nil {
		t.Fatal(err)
	}
	counts, text, _ := parseHTML(t, buf.String())
	if counts["svg"] != 0 || !strings.Contains(text, "No period was scored") {
		t.Errorf("svg %d; text %q", counts["svg"], text)
	}
}
