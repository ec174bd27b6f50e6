// Package demo runs refit's whole story on generated data: monthly
// partitions arrive one at a time and the pipeline runs on a simulated
// clock after each. The first month trains and promotes a champion, stable
// months keep it, a drifted month retrains, optimizes and promotes a new
// one, and a month with a broken upstream is blocked.
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
)

// Options control a demo. The zero value runs the standard story.
type Options struct {
	// Dir is where data and workspace go. Defaults to a new temporary
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

// Month is what one month's run did.
type Month struct {
	Month  time.Time
	Kind   string
	Record *pipeline.Record
}

// Run generates the data month by month and runs the pipeline after each
// month, writing a table of what happened to w. It returns the months and
// the directory it used.
func Run(ctx context.Context, w io.Writer, opts Options) ([]Month, string, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, "", err
	}
	cfgPath := filepath.Join(opts.Dir, "refit.yaml")
	if err := os.WriteFile(cfgPath, []byte(configYAML), 0o644); err != nil {
		return nil, "", fmt.Errorf("demo: %w", err)
	}
	cfg, err := pipeline.Load(cfgPath)
	if err != nil {
		return nil, "", err
	}
	fmt.Fprintf(w, "refit demo in %s\n\n", opts.Dir)
	const row = "%-8s %-9s %-13s %-9s %8s  %s\n"
	fmt.Fprintf(w, row, "month", "data", "outcome", "champion", "new rows", "why")
	var months []Month
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, kind := range Story {
		m, err := runMonth(ctx, cfg, opts, start.AddDate(0, i, 0), kind)
		if err != nil {
			return months, opts.Dir, err
		}
		months = append(months, m)
		fmt.Fprintf(w, row, m.Month.Format("2006-01"), kind, m.Record.Outcome,
			m.Record.ChampionAfter, fmt.Sprint(m.Record.NewRows), summary(m.Record))
	}
	last := months[len(months)-1].Record
	fmt.Fprintf(w, "\nlast report: %s\n", filepath.Join(cfg.Path(cfg.Workspace), "runs", last.ID, "report.html"))
	return months, opts.Dir, nil
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

// runMonth writes a month's data and runs the pipeline at the start of the
// next month.
func runMonth(ctx context.Context, cfg *pipeline.Config, opts Options, month time.Time, kind string) (Month, error) {
	if _, err := writeMonth(filepath.Join(opts.Dir, "data"), month, kind, opts.RowsPerMonth, opts.Seed); err != nil {
		return Month{}, err
	}
	rec, err := pipeline.Run(ctx, cfg, pipeline.Options{Now: month.AddDate(0, 1, 0), Trigger: "demo", Logger: opts.Logger})
	if err != nil && !errors.Is(err, pipeline.ErrBlocked) {
		return Month{}, fmt.Errorf("demo: month %s: %w", month.Format("2006-01"), err)
	}
	return Month{Month: month, Kind: kind, Record: rec}, nil
}

// summary is the run's last reason, shortened for the table.
func summary(rec *pipeline.Record) string {
	if len(rec.Reasons) == 0 {
		return ""
	}
	s := rec.Reasons[len(rec.Reasons)-1]
	if len(s) > 90 {
		s = s[:87] + "..."
	}
	return strings.ReplaceAll(s, "\n", " ")
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
