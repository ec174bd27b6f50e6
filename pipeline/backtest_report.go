package pipeline

import (
	"io"

	"github.com/refit-ml/refit/report"
)

// Report converts the result into the report package's plain model, for
// report.WriteBacktestText and report.WriteBacktestHTML.
func (b *BacktestResult) Report() *report.Backtest {
	out := &report.Backtest{From: b.From, To: b.To, Every: b.Every, Metric: b.Metric, Dir: b.Dir}
	for _, p := range b.Policies {
		out.Policies = append(out.Policies, string(p))
	}
	for _, per := range b.Periods {
		rp := report.BacktestPeriod{From: per.From, To: per.To, Rows: per.Rows, Scored: per.Scored}
		for _, p := range per.Policies {
			rp.Policies = append(rp.Policies, report.BacktestPolicy{Policy: string(p.Policy), Champion: p.Champion, Metric: p.Metric,
				Run: p.Run, Outcome: string(p.Outcome), Reasons: p.Reasons, Retrained: p.Retrained, TrainSeconds: p.TrainSeconds,
				ChampionAfter: p.ChampionAfter, Error: p.Error})
		}
		out.Periods = append(out.Periods, rp)
	}
	for _, s := range b.Summary {
		out.Summary = append(out.Summary, report.BacktestSummary{Policy: string(s.Policy), MeanMetric: s.MeanMetric, Scored: s.Scored, NoChampion: s.NoChampion,
			Retrains: s.Retrains, Promotions: s.Promotions, Failures: s.Failures, TrainSeconds: s.TrainSeconds})
	}
	return out
}

// WriteBacktestReport writes the result's HTML report to path,
// crash-safely.
func WriteBacktestReport(path string, b *BacktestResult) error {
	rb := b.Report()
	return report.WriteFile(path, func(w io.Writer) error { return report.WriteBacktestHTML(w, rb) })
}
