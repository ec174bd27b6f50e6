package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	return workspace.WriteRecordText(w, rec, run.Status, dir)
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
		workspace.WriteReasons(w, reasons)
	}
	fmt.Fprintln(w, "  record    none: the catalog's row is the whole record")
}
