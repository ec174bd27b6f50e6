package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
	"github.com/spf13/cobra"
)

type runsFlags struct {
	workspace, config, format string
	limit                     int
}

func newRunsCmd(c *cli) *cobra.Command {
	var f runsFlags
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List and show pipeline runs from the workspace catalog",
		Example: `  refit runs list --config refit.yaml
  refit runs show r000004 --workspace ./refit-workspace --format json`,
	}
	def := os.Getenv("REFIT_WORKSPACE")
	if def == "" {
		def = defaultWorkspace
	}
	cmd.PersistentFlags().StringVar(&f.workspace, "workspace", def, "workspace with the catalog (default $REFIT_WORKSPACE or "+defaultWorkspace+")")
	cmd.PersistentFlags().StringVar(&f.config, "config", "", "read the workspace from this refit.yaml instead of --workspace")
	cmd.PersistentFlags().StringVar(&f.format, "format", "text", "output format: text or json")
	list := &cobra.Command{
		Use:   "list",
		Short: "List runs, oldest first",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runsList(cmd, f) },
	}
	list.Flags().IntVar(&f.limit, "limit", 20, "show the newest N runs (0: all)")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one run's record: outcome, reasons, stages and report",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runsShow(cmd, f, args[0]) },
	}
	cmd.AddCommand(list, show)
	return cmd
}

// workspaceOf checks --format (text or json) and returns --workspace, or
// the workspace of --config; the runs and catalog commands take either.
func workspaceOf(cmd *cobra.Command, format, workspace, config string) (string, error) {
	if err := checkFormat(format, "text", "json"); err != nil {
		return "", err
	}
	if config == "" {
		return workspace, nil
	}
	return configWorkspace(cmd, config)
}

// runRow is a catalog run with the outcome from its run.json.
type runRow struct {
	registry.Run
}

func runsList(cmd *cobra.Command, f runsFlags) error {
	ws, err := workspaceOf(cmd, f.format, f.workspace, f.config)
	if err != nil {
		return err
	}
	reg, err := openExisting(cmd.Context(), ws)
	if err != nil {
		return err
	}
	defer reg.Close()
	runs, err := reg.Runs(cmd.Context(), f.limit)
	if err != nil {
		return err
	}
	rows := make([]runRow, len(runs))
	for i, r := range runs {
		rows[i] = runRow{Run: r}
		if r.Outcome != "" {
			continue // committed with the run (catalog schema 2)
		}
		if rec, err := readRunRecord(ws, r.ID); err == nil {
			rows[i].Outcome = string(rec.Outcome)
		}
	}
	if f.format == "json" {
		return writeJSON(cmd.OutOrStdout(), rows)
	}
	writeRunsTable(cmd.OutOrStdout(), rows)
	return nil
}

func writeRunsTable(w io.Writer, rows []runRow) {
	if len(rows) == 0 {
		fmt.Fprintln(w, "no runs yet")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "run\tstarted\tstatus\toutcome\ttrigger\tlast reason")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Started.UTC().Format(time.RFC3339), r.Status,
			orDash(r.Outcome), orDash(r.Trigger), lastReason(r.Reasons))
	}
	tw.Flush()
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

// readRunRecord reads the record of run id in workspace ws.
func readRunRecord(ws, id string) (*workspace.Record, error) {
	return workspace.Dir(ws).ReadRecord(id)
}
