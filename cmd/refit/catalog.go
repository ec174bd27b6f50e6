package main

import (
	"fmt"
	"io"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/workspace"
	"github.com/spf13/cobra"
)

func newCatalogCmd(c *cli) *cobra.Command {
	var f catalogFlags
	var champion string
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Check a workspace's catalog, or rebuild a lost one from the artifacts",
	}
	f.add(cmd)
	check := &cobra.Command{
		Use:   "check",
		Short: "Verify the catalog and every artifact against its SHA-256 (exit 1 on a problem)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return catalogCheck(cmd, &f) },
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
		RunE: func(cmd *cobra.Command, _ []string) error { return catalogRebuild(cmd, &f, champion) },
	}
	rebuild.Flags().StringVar(&champion, "champion", "", "the version to make champion (default: the last one a run promoted)")
	cmd.AddCommand(check, rebuild)
	return cmd
}

func catalogCheck(cmd *cobra.Command, f *catalogFlags) error {
	reg, ws, err := f.open(cmd)
	if err != nil {
		return err
	}
	defer reg.Close()
	if err := reg.Check(cmd.Context()); err != nil {
		fmt.Fprintln(cmd.OutOrStdout(), err)
		return fmt.Errorf("%w: catalog check", errFailed)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "catalog of %s: ok\n", ws)
	return err
}

func catalogRebuild(cmd *cobra.Command, f *catalogFlags, champion string) error {
	ws, err := f.dir(cmd)
	if err != nil {
		return err
	}
	l := workspace.Dir(ws).Lock()
	if err := l.TryLock(); err != nil {
		return err
	}
	defer func() { _ = l.Unlock() }()
	res, err := pipeline.RebuildCatalog(cmd.Context(), ws, champion)
	if err != nil {
		return err
	}
	return writeOut(cmd.OutOrStdout(), f.format, res, func(w io.Writer) error { return res.WriteText(w, ws) })
}
