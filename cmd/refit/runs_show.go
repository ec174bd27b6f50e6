package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
	"github.com/spf13/cobra"
)

func runsShow(cmd *cobra.Command, f runsFlags, id string) error {
	ws, err := workspaceOf(cmd, f.format, f.workspace, f.config)
	if err != nil {
		return err
	}
	reg, err := openExisting(cmd.Context(), ws)
	if err != nil {
		return err
	}
	defer reg.Close()
	run, err := reg.GetRun(cmd.Context(), id)
	if err != nil {
		return err
	}
	dir := workspace.Dir(ws).RunPath(id)
	w := cmd.OutOrStdout()
	if f.format == "json" {
		return writeRunJSON(w, dir, run)
	}
	rec, err := readRunRecord(ws, id)
	if errors.Is(err, fs.ErrNotExist) {
		writeCatalogRun(w, run)
		return nil
	}
	if err != nil {
		return err
	}
	writeRunRecord(w, dir, run, rec)
	return nil
}

// writeRunJSON copies run.json, or prints the catalog row without one.
func writeRunJSON(w io.Writer, dir string, run registry.Run) error {
	data, err := os.ReadFile(filepath.Join(dir, workspace.RecordFile))
	if errors.Is(err, fs.ErrNotExist) {
		return writeJSON(w, run)
	}
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func writeRunRecord(w io.Writer, dir string, run registry.Run, rec *workspace.Record) {
	fmt.Fprintf(w, "run %s (%s, clock %s): %s\n", rec.ID, rec.Trigger, rec.Clock.UTC().Format(time.RFC3339), rec.Outcome)
	fmt.Fprintf(w, "  status    %s in %s\n", run.Status, rec.Finished.Sub(rec.Started).Round(time.Millisecond))
	fmt.Fprintf(w, "  champion  %s\n", championChange(rec))
	if rec.Candidate != "" {
		fmt.Fprintf(w, "  candidate %s\n", rec.Candidate)
	}
	fmt.Fprintf(w, "  new data  %s\n", newDataText(rec))
	if rec.Error != "" {
		fmt.Fprintf(w, "  error     %s\n", rec.Error)
	}
	writeReasons(w, rec.Reasons)
	writeHooks(w, rec.Hooks)
	writeStages(w, rec.Stages)
	writeRunPaths(w, dir)
}

func writeStages(w io.Writer, stages []workspace.Stage) {
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

// writeCatalogRun prints a run that has no run.json: one with no new data
// (the catalog row is its whole record), one still running, or one
// interrupted before writing it.
func writeCatalogRun(w io.Writer, run registry.Run) {
	outcome := run.Outcome
	if outcome == "" {
		outcome = run.Status
	}
	fmt.Fprintf(w, "run %s (%s, started %s): %s\n", run.ID, run.Trigger, run.Started.UTC().Format(time.RFC3339), outcome)
	fmt.Fprintf(w, "  status    %s\n", run.Status)
	var reasons []string
	if json.Unmarshal(run.Reasons, &reasons) == nil {
		writeReasons(w, reasons)
	}
	fmt.Fprintln(w, "  record    none: the catalog's row is the whole record")
}
