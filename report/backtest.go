package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/refit-ml/refit/internal/numfmt"
)

// Backtest is what a backtest replayed, in plain fields (the pipeline
// converts its result into one): per period, each policy's champion
// metric and run; per policy, a summary.
type Backtest struct {
	From, To time.Time
	Every    string
	// Metric names BacktestPolicy.Metric, e.g. auc.
	Metric   string
	Policies []string
	Periods  []BacktestPeriod
	Summary  []BacktestSummary
	// Dir holds the policies' workspaces.
	Dir string
}

// BacktestPeriod is one period, [From, To).
type BacktestPeriod struct {
	From, To time.Time
	// Rows are the period's rows; Scored its labelled rows the champions
	// were scored on.
	Rows   int64
	Scored int
	// Policies are in Backtest.Policies order.
	Policies []BacktestPolicy
}

// BacktestPolicy is one policy in one period: its champion at the
// period's start scored on the period's rows, then its run at the
// period's end.
type BacktestPolicy struct {
	Policy, Champion string
	// Metric is nil when there was no champion or no metric.
	Metric               *float64
	Run, Outcome         string
	Reasons              []string
	Retrained            bool
	TrainSeconds         float64
	ChampionAfter, Error string
}

// BacktestSummary sums up one policy.
type BacktestSummary struct {
	Policy string
	// MeanMetric is over the Scored periods every policy had a metric for.
	MeanMetric *float64
	// NoChampion counts the periods the policy started without a
	// champion.
	NoChampion, Scored, Retrains, Promotions, Failures int
	TrainSeconds                                       float64
}

// label names a period: "2024-01" for a calendar month, the start date
// for whole days, the start time otherwise.
func (p BacktestPeriod) label() string {
	f, t := p.From.UTC(), p.To.UTC()
	midnight := func(x time.Time) bool { return x.Equal(x.Truncate(24 * time.Hour)) }
	switch {
	case midnight(f) && f.Day() == 1 && t.Equal(f.AddDate(0, 1, 0)):
		return f.Format("2006-01")
	case midnight(f) && midnight(t):
		return f.Format("2006-01-02")
	}
	return f.Format("2006-01-02 15:04")
}

// metricText formats a metric, "-" for none.
func metricText(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f", *v)
}

// trainText is the training seconds of a run that retrained, "-" for one
// that did not.
func trainText(p BacktestPolicy) string {
	if !p.Retrained {
		return "-"
	}
	return fmt.Sprintf("%.1f", p.TrainSeconds)
}

// WriteBacktestText writes a backtest as text: one row per period with
// each policy's metric and training seconds and the first policy's
// decision, the summary per policy, then the first policy's reasons.
func WriteBacktestText(w io.Writer, b *Backtest) error {
	fmt.Fprintf(w, "backtest %s to %s every %s: %d periods, policies %s\n", dateText(b.From), dateText(b.To), b.Every,
		len(b.Periods), strings.Join(b.Policies, ", "))
	fmt.Fprintf(w, "under each policy: the %s of its champion at the period's start on the period's labelled rows;\n"+
		"train s: the training of its run at the period's end (- for none)\n\n", b.Metric)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "period\trows\t"
	for _, p := range b.Policies {
		head += p + "\ttrain s\t"
	}
	fmt.Fprintln(tw, head+"decision ("+first(b.Policies)+")")
	for _, per := range b.Periods {
		row := per.label() + "\t" + numfmt.Count(per.Rows) + "\t"
		for _, p := range per.Policies {
			row += metricText(p.Metric) + "\t" + trainText(p) + "\t"
		}
		fmt.Fprintln(tw, row+decisionText(per))
	}
	tw.Flush()
	writeSummaryText(w, b)
	writeReasonsText(w, b)
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// decisionText is the first policy's outcome, with its champion after a
// promotion.
func decisionText(per BacktestPeriod) string {
	if len(per.Policies) == 0 {
		return ""
	}
	p := per.Policies[0]
	if p.Outcome == "promoted" {
		return p.Outcome + " " + p.ChampionAfter
	}
	return p.Outcome
}

func writeSummaryText(w io.Writer, b *Backtest) {
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "policy\tmean %s\tretrains\tpromotions\ttrain s\tno champion\tfailed runs\n", b.Metric)
	for _, s := range b.Summary {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f\t%d\t%d\n", s.Policy, metricText(s.MeanMetric), s.Retrains, s.Promotions, s.TrainSeconds, s.NoChampion, s.Failures)
	}
	tw.Flush()
	if len(b.Summary) > 0 {
		fmt.Fprintf(w, "mean over the %s every policy had a champion for\n", plural(b.Summary[0].Scored, "period"))
	}
}

// writeReasonsText lists the first policy's reasons per period.
func writeReasonsText(w io.Writer, b *Backtest) {
	if len(b.Policies) == 0 {
		return
	}
	fmt.Fprintf(w, "\nwhy (%s)\n", b.Policies[0])
	for _, per := range b.Periods {
		if len(per.Policies) == 0 {
			continue
		}
		p := per.Policies[0]
		lines := p.Reasons
		if p.Error != "" {
			lines = append(lines, "error: "+p.Error)
		}
		for i, r := range lines {
			lead := strings.Repeat(" ", len(per.label()))
			if i == 0 {
				lead = per.label()
			}
			fmt.Fprintf(w, "  %s  %s\n", lead, strings.ReplaceAll(r, "\n", " "))
		}
	}
}

func dateText(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}

// backtestView is what backtest.html.tmpl sees.
type backtestView struct {
	*Backtest
	Title, FromText, ToText string
	Chart                   backtestChart
	Rows                    []backtestRow
}

// backtestRow is one period of the HTML table.
type backtestRow struct {
	Label, Rows string
	Cells       []backtestCell
	// Outcome is the first policy's; Decision adds the new champion.
	Outcome, Decision string
	Reasons           []string
}

type backtestCell struct{ Metric, Train, Title string }

// WriteBacktestHTML writes a backtest's report as one self-contained HTML
// document: the summary per policy, a line chart of each policy's metric
// per period, and the periods with the first policy's decisions.
func WriteBacktestHTML(w io.Writer, b *Backtest) error {
	v := backtestView{Backtest: b, Title: "refit backtest", FromText: dateText(b.From), ToText: dateText(b.To), Chart: newBacktestChart(b)}
	for _, per := range b.Periods {
		row := backtestRow{Label: per.label(), Rows: numfmt.Count(per.Rows)}
		for _, p := range per.Policies {
			row.Cells = append(row.Cells, backtestCell{Metric: metricText(p.Metric), Train: trainText(p), Title: p.Policy + ": " + p.Outcome})
		}
		if len(per.Policies) > 0 {
			row.Outcome, row.Decision, row.Reasons = per.Policies[0].Outcome, decisionText(per), per.Policies[0].Reasons
		}
		v.Rows = append(v.Rows, row)
	}
	if err := templates.ExecuteTemplate(w, "backtest.html.tmpl", v); err != nil {
		return fmt.Errorf("report: render backtest html: %w", err)
	}
	return nil
}
