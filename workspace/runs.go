package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/refit-ml/refit/registry"
)

// ListRuns lists the newest limit runs of the catalog (0: all), oldest
// first, each with its outcome: the catalog's, or for a run committed
// before the catalog kept outcomes (catalog schema 1), its record's.
func (d Dir) ListRuns(ctx context.Context, reg *registry.Registry, limit int) ([]registry.Run, error) {
	runs, err := reg.Runs(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]registry.Run, len(runs))
	for i, r := range runs {
		out[i] = r
		if r.Outcome != "" {
			continue // committed with the run (catalog schema 2)
		}
		if rec, err := d.ReadRecord(r.ID); err == nil {
			out[i].Outcome = string(rec.Outcome)
		}
	}
	return out, nil
}

// WriteRunsTable writes runs as a table: id, start, status, outcome,
// trigger and the last reason, shortened.
func WriteRunsTable(w io.Writer, runs []registry.Run) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "no runs yet")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "run\tstarted\tstatus\toutcome\ttrigger\tlast reason")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Started.UTC().Format(time.RFC3339), r.Status,
			orDash(r.Outcome), orDash(r.Trigger), lastReason(r.Reasons))
	}
	return tw.Flush()
}

// lastReason is the last of a run's JSON reasons, shortened.
func lastReason(raw json.RawMessage) string {
	var reasons []string
	if json.Unmarshal(raw, &reasons) != nil || len(reasons) == 0 {
		return "-"
	}
	s := strings.ReplaceAll(reasons[len(reasons)-1], "\n", " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return s
}

// WriteRun writes run as `refit runs show` prints it: as JSON, its
// run.json (see WriteRunJSON), else as text (see WriteRunShow).
func (d Dir) WriteRun(w io.Writer, run registry.Run, asJSON bool) error {
	if asJSON {
		return d.WriteRunJSON(w, run)
	}
	return d.WriteRunShow(w, run)
}

// WriteRunJSON copies run's run.json to w, or writes the catalog row, as
// indented JSON, when it has none.
func (d Dir) WriteRunJSON(w io.Writer, run registry.Run) error {
	data, err := os.ReadFile(d.RecordPath(run.ID))
	if errors.Is(err, fs.ErrNotExist) {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(run)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// WriteRunShow writes run as `refit runs show` prints it: its record (see
// WriteRecordText), or the catalog row for a run without one.
func (d Dir) WriteRunShow(w io.Writer, run registry.Run) error {
	rec, err := d.ReadRecord(run.ID)
	if errors.Is(err, fs.ErrNotExist) {
		return writeCatalogRun(w, run)
	}
	if err != nil {
		return err
	}
	return WriteRecordText(w, rec, run.Status, d.RunPath(run.ID))
}

// writeCatalogRun prints a run that has no run.json: one with no new data
// (the catalog row is its whole record), one still running, or one
// interrupted before writing it.
func writeCatalogRun(w io.Writer, run registry.Run) error {
	outcome := run.Outcome
	if outcome == "" {
		outcome = run.Status
	}
	fmt.Fprintf(w, "run %s (%s, started %s): %s\n", run.ID, run.Trigger, run.Started.UTC().Format(time.RFC3339), outcome)
	fmt.Fprintf(w, "  status    %s\n", run.Status)
	var reasons []string
	if json.Unmarshal(run.Reasons, &reasons) == nil {
		WriteReasons(w, reasons)
	}
	_, err := fmt.Fprintln(w, "  record    none: the catalog's row is the whole record")
	return err
}
