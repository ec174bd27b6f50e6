package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/refit-ml/refit/report"
)

// Failures counts the runs of the backtest that failed, over every policy.
func (b *BacktestResult) Failures() int {
	n := 0
	for _, s := range b.Summary {
		n += s.Failures
	}
	return n
}

// WriteText writes the backtest as `refit backtest` prints it: the
// periods and the summary (report.WriteBacktestText), then where the
// scratch workspaces are and, when htmlPath is set, the HTML report.
func (b *BacktestResult) WriteText(w io.Writer, htmlPath string) error {
	if err := report.WriteBacktestText(w, b.Report()); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nworkspaces  %s\n", b.Dir)
	if htmlPath != "" {
		fmt.Fprintf(w, "report      %s\n", htmlPath)
	}
	return nil
}

// BacktestInScratch runs Backtest in opts.Dir or, when it is "", in a new
// temporary directory (kept for the runs' reports), which is removed
// again when the backtest fails before running anything.
func BacktestInScratch(ctx context.Context, cfg *Config, opts BacktestOptions) (*BacktestResult, error) {
	temp := opts.Dir == ""
	if temp {
		dir, err := os.MkdirTemp("", "refit-backtest-")
		if err != nil {
			return nil, err
		}
		opts.Dir = dir
	}
	bt, err := Backtest(ctx, cfg, opts)
	if err != nil && temp && bt == nil {
		os.RemoveAll(opts.Dir) // nothing ran: drop the empty scratch directory
	}
	return bt, err
}
