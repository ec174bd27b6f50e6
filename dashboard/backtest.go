package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/report"
)

// backtestData is the backtest page; Result is nil when the workspace has
// no backtest.
type backtestData struct {
	Path   string
	Result *report.Backtest
	Chart  lineChart
}

func (h *handler) backtestPage(context.Context, *http.Request) (string, string, any, error) {
	d := backtestData{Path: h.opts.Backtest}
	data, err := os.ReadFile(h.opts.Backtest)
	if errors.Is(err, fs.ErrNotExist) {
		return "backtest.html.tmpl", "Backtest", d, nil
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("dashboard: backtest: %w", err)
	}
	var res pipeline.BacktestResult
	if err := json.Unmarshal(data, &res); err != nil {
		return "", "", nil, fmt.Errorf("dashboard: backtest %s: %w", h.opts.Backtest, err)
	}
	d.Result = res.Report()
	d.Chart = backtestChart(d.Result)
	return "backtest.html.tmpl", "Backtest", d, nil
}

// backtestChart is each policy's metric per period.
func backtestChart(b *report.Backtest) lineChart {
	labels := make([]string, len(b.Periods))
	lines := make([]series, len(b.Policies))
	for i, p := range b.Policies {
		lines[i] = series{Name: p, Class: "policy-" + p}
	}
	for i, per := range b.Periods {
		labels[i] = per.From.UTC().Format("2006-01-02")
		for j := range lines {
			v := nan()
			if j < len(per.Policies) && per.Policies[j].Metric != nil {
				v = *per.Policies[j].Metric
			}
			lines[j].Values = append(lines[j].Values, v)
		}
	}
	return newLineChart(labels, lines, nil)
}
