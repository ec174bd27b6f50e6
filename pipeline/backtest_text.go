package pipeline

import (
	"fmt"
	"io"

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
