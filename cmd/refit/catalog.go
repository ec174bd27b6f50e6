package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/workspace"
	"github.com/spf13/cobra"
)

type catalogFlags struct {
	workspace, config, format, champion string
}

func newCatalogCmd(c *cli) *cobra.Command {
	var f catalogFlags
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Check a workspace's catalog, or rebuild a lost one from the artifacts",
	}
	def := os.Getenv("REFIT_WORKSPACE")
	if def == "" {
		def = defaultWorkspace
	}
	cmd.PersistentFlags().StringVar(&f.workspace, "workspace", def, "workspace with the catalog (default $REFIT_WORKSPACE or "+defaultWorkspace+")")
	cmd.PersistentFlags().StringVar(&f.config, "config", "", "take the workspace from this refit.yaml instead of --workspace")
	cmd.PersistentFlags().StringVar(&f.format, "format", "text", "output format: text or json")
	check := &cobra.Command{
		Use:   "check",
		Short: "Verify the catalog and every artifact against its SHA-256 (exit 1 on a problem)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return catalogCheck(cmd, f) },
	}
	rebuild := &cobra.Command{
		Use:   "rebuild",
		Short: "Rebuild a deleted or emptied catalog.db from models/ and runs/",
		Long: `rebuild writes a new catalog.db for a workspace whose catalog was deleted or
emptied (refit refuses such a workspace rather than start a new catalog over
its models): a version for every models/<id>/ folder whose model loads, with
its metrics and gate verdict from eval.json and its run, parent and state
from the run that registered it; a run for every runs/<id>/run.json; the
files those runs consumed, marked processed; and the champion's history
replayed from the runs that promoted. Manual promotions and rollbacks leave
no artifact: give --champion to end at the version that was champion.
An existing catalog is never overwritten. It holds the workspace lock.`,
		Example: `  refit catalog rebuild --workspace ./refit-workspace
  refit catalog rebuild --config refit.yaml --champion v0007`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return catalogRebuild(cmd, f) },
	}
	rebuild.Flags().StringVar(&f.champion, "champion", "", "the version to make champion (default: the last one a run promoted)")
	cmd.AddCommand(check, rebuild)
	return cmd
}

func catalogCheck(cmd *cobra.Command, f catalogFlags) error {
	ws, err := workspaceOf(cmd, f.format, f.workspace, f.config)
	if err != nil {
		return err
	}
	reg, err := openExisting(cmd.Context(), ws)
	if err != nil {
		return err
	}
	defer reg.Close()
	if err := reg.Check(cmd.Context()); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(cmd.OutOrStdout(), line)
		}
		return fmt.Errorf("%w: catalog check", errFailed)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "catalog of %s: ok\n", ws)
	return err
}

func catalogRebuild(cmd *cobra.Command, f catalogFlags) error {
	ws, err := workspaceOf(cmd, f.format, f.workspace, f.config)
	if err != nil {
		return err
	}
	l := workspace.Dir(ws).Lock()
	if err := l.TryLock(); err != nil {
		return err
	}
	defer func() { _ = l.Unlock() }()
	res, err := pipeline.RebuildCatalog(cmd.Context(), ws, f.champion)
	if err != nil {
		return err
	}
	if f.format == "json" {
		return writeJSON(cmd.OutOrStdout(), res)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "rebuilt the catalog of %s\n", ws)
	fmt.Fprintf(w, "  versions  %s\n", orDash(joinComma(res.Versions)))
	for _, d := range res.Damaged {
		fmt.Fprintf(w, "  left out  %s\n", d)
	}
	fmt.Fprintf(w, "  runs      %d, %d processed files\n", res.Runs, res.Processed)
	fmt.Fprintf(w, "  champion  %s (%s)\n", orDash(res.Champion), orDash(res.ChampionFrom))
	return nil
}
