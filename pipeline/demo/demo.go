// Package demo runs refit's whole story on generated data: five months of
// deliveries (stable, stable, stable, drifted, broken upstream) replayed by
// the backtest on a simulated clock. Under the configured policy the first
// month trains and promotes a champion, stable months keep it, the drifted
// month retrains, optimizes and promotes a new one, and the broken month
// is blocked; the never-retrain and always-retrain baselines run beside it
// and the demo prints the comparison.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/report"
)

// Options control a demo. The zero value runs the standard story.
type Options struct {
	// Dir is where data and workspaces go. Defaults to a new temporary
	// directory.
	Dir string
	// RowsPerMonth defaults to 20000.
	RowsPerMonth int
	// Seed makes the data and models reproducible. Defaults to 7.
	Seed uint64
	// Logger receives the pipeline's logs. Defaults to a discarding one.
	Logger *slog.Logger
}

// Story is the month kinds, in order.
var Story = []string{Stable, Stable, Stable, Drift, Incident}

// Start is the first month of the story.
var Start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Month is what the configured policy did with one month.
type Month struct {
	Month time.Time
	Kind  string
	// Configured is the configured policy in that month: the champion
	// it scored the month's rows with, and its run at the month's end.
	Configured pipeline.PolicyPeriod
	// Report is that run's report.html.
	Report string
}

// Result is a demo's outcome.
type Result struct {
	Dir      string
	Months   []Month
	Backtest *pipeline.BacktestResult
	// Report is the backtest's report, Dir/backtest.html.
	Report string
}

// Run writes the story's months under Dir/data, replays them with
// pipeline.Backtest (workspaces under Dir/backtest) and writes the
// backtest's table and comparison to w and its report to
// Dir/backtest.html.
func Run(ctx context.Context, w io.Writer, opts Options) (*Result, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg, err := WriteConfig(opts.Dir)
	if err != nil {
		return nil, err
	}
	for i, kind := range Story {
		if _, err := WriteMonth(filepath.Join(opts.Dir, "data"), Start.AddDate(0, i, 0), kind, opts.RowsPerMonth, opts.Seed); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(w, "refit demo in %s\n%s\n\n", opts.Dir, storyText(opts.RowsPerMonth))
	bt, err := pipeline.Backtest(ctx, cfg, pipeline.BacktestOptions{Dir: filepath.Join(opts.Dir, "backtest"),
		From: Start, To: Start.AddDate(0, len(Story), 0), Every: pipeline.Step{Months: 1}, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: opts.Dir, Backtest: bt, Report: filepath.Join(opts.Dir, "backtest.html")}
	if err := pipeline.WriteBacktestReport(res.Report, bt); err != nil {
		return nil, err
	}
	res.Months = months(bt)
	if err := report.WriteBacktestText(w, bt.Report()); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "\nbacktest report: %s\nlast run's report: %s\n", res.Report, res.Months[len(res.Months)-1].Report)
	return res, nil
}

// storyText says what the generated months hold.
func storyText(rows int) string {
	what := map[string]string{Stable: "stable", Drift: "drift (long hauls, a new carrier mix, new delays)", Incident: "incident (a broken upstream: missing and negative distances)"}
	parts := make([]string, len(Story))
	for i, kind := range Story {
		parts[i] = Start.AddDate(0, i, 0).Format("2006-01") + " " + what[kind]
	}
	return fmt.Sprintf("generated %d months of deliveries, %d rows each: %s.\n"+
		"refit backtest replays them month by month on a simulated clock: the policy of refit.yaml\n"+
		"(retrain on drift, promote behind gates) beside never retraining and always retraining.",
		len(Story), rows, strings.Join(parts, ", "))
}

// months picks the configured policy's part of each period.
func months(bt *pipeline.BacktestResult) []Month {
	ws := filepath.Join(bt.Dir, string(pipeline.PolicyConfigured))
	var out []Month
	for i, per := range bt.Periods {
		for _, p := range per.Policies {
			if p.Policy == pipeline.PolicyConfigured {
				out = append(out, Month{Month: per.From, Kind: Story[i], Configured: p,
					Report: filepath.Join(ws, "runs", p.Run, "report.html")})
			}
		}
	}
	return out
}

// RunMonths plays the story as a deployment sees it, with files arriving:
// after writing each month's file under Dir/data it runs the pipeline
// (file by file, as `refit run` does) at the start of the next month on
// the workspace Dir/workspace, and returns the runs' records. Tests use
// the workspace it leaves.
func RunMonths(ctx context.Context, opts Options) ([]*pipeline.Record, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg, err := WriteConfig(opts.Dir)
	if err != nil {
		return nil, err
	}
	var recs []*pipeline.Record
	for i, kind := range Story {
		month := Start.AddDate(0, i, 0)
		if _, err := WriteMonth(filepath.Join(opts.Dir, "data"), month, kind, opts.RowsPerMonth, opts.Seed); err != nil {
			return recs, err
		}
		rec, err := pipeline.Run(ctx, cfg, pipeline.Options{Now: month.AddDate(0, 1, 0), Trigger: "demo", Logger: opts.Logger})
		if err != nil && !errors.Is(err, pipeline.ErrBlocked) {
			return recs, fmt.Errorf("demo: month %s: %w", month.Format("2006-01"), err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.RowsPerMonth <= 0 {
		o.RowsPerMonth = 20000
	}
	if o.Seed == 0 {
		o.Seed = 7
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Dir == "" {
		dir, err := os.MkdirTemp("", "refit-demo-")
		if err != nil {
			return o, fmt.Errorf("demo: %w", err)
		}
		o.Dir = dir
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return o, fmt.Errorf("demo: %w", err)
	}
	return o, nil
}

// WriteConfig writes the demo's refit.yaml into dir (data under dir/data,
// workspace dir/workspace) and loads it.
func WriteConfig(dir string) (*pipeline.Config, error) {
	path := filepath.Join(dir, "refit.yaml")
	if err := os.WriteFile(path, []byte(configYAML), 0o644); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return pipeline.Load(path)
}

const configYAML = `# refit demo: deliveries, labelled late when delay > 15 minutes.
workspace: workspace
data:
  source: data
  time_column: ts
coverage:
  min_rows: 200
  slices: {long_haul: "distance > 600", heavy: "weight > 10"}
drift: {metric: psi, warn: 0.1, alert: 0.25}
train:
  label: delay > 15
  features: [distance, weight, carrier, region]
  window: 45d
  hidden: [32, 16]
  epochs: 30
  batch_size: 256
  learning_rate: 0.003
  patience: 4
  seed: 7
optimize:
  prune: {sparsity: 0.5, finetune_epochs: 2}
  quantize: {bits: 8}
  max_metric_drop: 0.01
evaluate:
  holdout: 0.15
  gates:
    - {metric: auc, min: 0.7}
    - {metric: auc, max_drop_vs_champion: 0.005}
    - {latency_p99_us: 200}
`
