package workspace

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/refit-ml/refit/internal/hook"
)

// WriteRunText writes the record as `refit run` prints it when the run
// ends: the outcome, the champion's change, the new data, the error, the
// reasons, the hooks called, and the paths of the run's files in dir
// that exist.
func WriteRunText(w io.Writer, rec *Record, dir string) error {
	fmt.Fprintf(w, "run %s (%s, clock %s): %s\n", rec.ID, rec.Trigger, rec.Clock.Format(time.RFC3339), rec.Outcome)
	fmt.Fprintf(w, "  champion  %s\n", championChange(rec))
	fmt.Fprintf(w, "  new data  %s\n", newDataText(rec))
	if rec.Error != "" {
		fmt.Fprintf(w, "  error     %s\n", rec.Error)
	}
	WriteReasons(w, rec.Reasons)
	WriteHooks(w, rec.Hooks)
	return writeRunPaths(w, dir)
}

// WriteRecordText writes the record as `refit runs show` prints it: as
// WriteRunText, with the catalog's status and the run's duration, the
// candidate, and the stages.
func WriteRecordText(w io.Writer, rec *Record, status, dir string) error {
	fmt.Fprintf(w, "run %s (%s, clock %s): %s\n", rec.ID, rec.Trigger, rec.Clock.UTC().Format(time.RFC3339), rec.Outcome)
	fmt.Fprintf(w, "  status    %s in %s\n", status, rec.Finished.Sub(rec.Started).Round(time.Millisecond))
	fmt.Fprintf(w, "  champion  %s\n", championChange(rec))
	if rec.Candidate != "" {
		fmt.Fprintf(w, "  candidate %s\n", rec.Candidate)
	}
	fmt.Fprintf(w, "  new data  %s\n", newDataText(rec))
	if rec.Error != "" {
		fmt.Fprintf(w, "  error     %s\n", rec.Error)
	}
	WriteReasons(w, rec.Reasons)
	WriteHooks(w, rec.Hooks)
	writeStages(w, rec.Stages)
	return writeRunPaths(w, dir)
}

func championChange(rec *Record) string {
	before, after := orDash(rec.ChampionBefore), orDash(rec.ChampionAfter)
	if before == after {
		return after + " (unchanged)"
	}
	return before + " -> " + after
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// newDataText describes a run's new data: files, or a backtest run's time
// span.
func newDataText(rec *Record) string {
	if rec.NewSpan != "" {
		return fmt.Sprintf("%d rows in %s", rec.NewRows, rec.NewSpan)
	}
	return fmt.Sprintf("%d files, %d rows", len(rec.NewFiles), rec.NewRows)
}

// WriteReasons lists a run's reasons under "why", one a line; nothing
// when there are none.
func WriteReasons(w io.Writer, reasons []string) {
	if len(reasons) == 0 {
		return
	}
	fmt.Fprintln(w, "  why")
	for _, r := range reasons {
		fmt.Fprintf(w, "    - %s\n", strings.ReplaceAll(r, "\n", " "))
	}
}

// WriteHooks lists the on_promote hooks a run called and how each went;
// nothing when there are none.
func WriteHooks(w io.Writer, hooks []hook.Result) {
	if len(hooks) == 0 {
		return
	}
	fmt.Fprintln(w, "  hooks")
	for _, h := range hooks {
		status := "ok"
		if !h.OK {
			status = "failed: " + h.Error
		}
		fmt.Fprintf(w, "    - %s: %s\n", h.Target, status)
	}
}

func writeStages(w io.Writer, stages []Stage) {
	if len(stages) == 0 {
		return
	}
	fmt.Fprintln(w, "  stages")
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, s := range stages {
		notes := strings.ReplaceAll(strings.Join(s.Notes, "; "), "\n", " ")
		fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", s.Name, s.Status, s.Duration.Round(time.Millisecond), notes)
	}
	tw.Flush()
	for line := range strings.Lines(b.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
}

// writeRunPaths prints the paths of the run's report and record that
// exist in dir.
func writeRunPaths(w io.Writer, dir string) error {
	for _, f := range [][2]string{{"report", ReportFile}, {"record", RecordFile}} {
		p := filepath.Join(dir, f[1])
		if _, err := os.Stat(p); err == nil {
			if _, err := fmt.Fprintf(w, "  %-8s  %s\n", f[0], p); err != nil {
				return err
			}
		}
	}
	return nil
}
