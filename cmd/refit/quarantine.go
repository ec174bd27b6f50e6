package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

type quarantineFlags struct {
	workspace, config, format, reason string
	all                               bool
}

func newQuarantineCmd(c *cli) *cobra.Command {
	var f quarantineFlags
	cmd := &cobra.Command{
		Use:   "quarantine FILE --reason TEXT",
		Short: "Keep a bad input file out of every run, with a reason; list and release quarantines",
		Long: `quarantine records in the workspace's catalog that runs must not read FILE:
a damaged file otherwise blocks every later run, since it stays unprocessed.
Runs skip it and name it, with the reason, in their record. 'quarantine
release FILE' lifts it (the file is read again by the next run, as new if it
was never processed); 'quarantine list' shows the files under quarantine
('--all': every quarantine with its release).`,
		Example: `  refit quarantine data/month=2024-05/part-0.parquet --reason "truncated export, ticket 42" --config refit.yaml
  refit quarantine list --config refit.yaml
  refit quarantine release data/month=2024-05/part-0.parquet --config refit.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return quarantineAdd(cmd, f, args[0]) },
	}
	def := os.Getenv("REFIT_WORKSPACE")
	if def == "" {
		def = defaultWorkspace
	}
	cmd.PersistentFlags().StringVar(&f.workspace, "workspace", def, "workspace with the catalog (default $REFIT_WORKSPACE or "+defaultWorkspace+")")
	cmd.PersistentFlags().StringVar(&f.config, "config", "", "take the workspace from this refit.yaml instead of --workspace")
	cmd.PersistentFlags().StringVar(&f.format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&f.reason, "reason", "", "why the file is kept out (required), recorded in the catalog")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the files under quarantine",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return quarantineList(cmd, f) },
	}
	list.Flags().BoolVar(&f.all, "all", false, "every quarantine recorded, released ones included")
	release := &cobra.Command{
		Use:   "release FILE",
		Short: "Lift a file's quarantine: the next run reads it again",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return quarantineRelease(cmd, f, args[0]) },
	}
	cmd.AddCommand(list, release)
	return cmd
}

// quarantineRegistry opens the workspace of --config or --workspace,
// which must exist.
func quarantineRegistry(cmd *cobra.Command, f quarantineFlags) (*registry.Registry, error) {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return nil, err
	}
	ws := f.workspace
	if f.config != "" {
		if cmd.Flags().Changed("workspace") {
			return nil, errors.New("--workspace and --config: give one")
		}
		cfg, err := pipeline.Load(f.config)
		if err != nil {
			return nil, err
		}
		ws = cfg.Path(cfg.Workspace)
	}
	return openExisting(cmd.Context(), ws)
}

func quarantineAdd(cmd *cobra.Command, f quarantineFlags, file string) error {
	if f.reason == "" {
		return errors.New("--reason is required: say why the file is kept out")
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("quarantine %s: %w", file, err)
	}
	reg, err := quarantineRegistry(cmd, f)
	if err != nil {
		return err
	}
	defer reg.Close()
	q, err := reg.Quarantine(cmd.Context(), file, f.reason, actor())
	if err != nil {
		return err
	}
	if f.format == "json" {
		return writeJSON(cmd.OutOrStdout(), q)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "quarantined %s: %s\n", q.Path, q.Reason)
	return err
}

func quarantineRelease(cmd *cobra.Command, f quarantineFlags, file string) error {
	reg, err := quarantineRegistry(cmd, f)
	if err != nil {
		return err
	}
	defer reg.Close()
	q, err := reg.Release(cmd.Context(), file, actor())
	if err != nil {
		return err
	}
	if f.format == "json" {
		return writeJSON(cmd.OutOrStdout(), q)
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "released %s (quarantined %s: %s)\n", q.Path, q.At.Format(time.RFC3339), q.Reason)
	return err
}

func quarantineList(cmd *cobra.Command, f quarantineFlags) error {
	reg, err := quarantineRegistry(cmd, f)
	if err != nil {
		return err
	}
	defer reg.Close()
	list, err := reg.QuarantineList(cmd.Context(), f.all)
	if err != nil {
		return err
	}
	if f.format == "json" {
		if list == nil {
			list = []registry.Quarantined{}
		}
		return writeJSON(cmd.OutOrStdout(), list)
	}
	return registry.WriteQuarantineText(cmd.OutOrStdout(), list)
}
