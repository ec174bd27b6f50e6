package main

import (
	"io"

	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
	"github.com/spf13/cobra"
)

// catalogFlags are the persistent flags of the commands that read a
// workspace's catalog (runs, catalog, quarantine).
type catalogFlags struct {
	workspace, config, format string
}

func (f *catalogFlags) add(cmd *cobra.Command) {
	fl := cmd.PersistentFlags()
	fl.StringVar(&f.workspace, "workspace", defaultWorkspace(), "workspace with the catalog (default $REFIT_WORKSPACE or "+modelref.DefaultWorkspace+")")
	fl.StringVar(&f.config, "config", "", "take the workspace from this refit.yaml instead of --workspace")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
}

// dir checks --format and returns --workspace, or the workspace of
// --config.
func (f *catalogFlags) dir(cmd *cobra.Command) (string, error) {
	if err := checkFormat(f.format, "text", "json"); err != nil {
		return "", err
	}
	if f.config == "" {
		return f.workspace, nil
	}
	return configWorkspace(cmd, f.config)
}

// open opens the registry of that workspace, which must exist.
func (f *catalogFlags) open(cmd *cobra.Command) (*registry.Registry, workspace.Dir, error) {
	ws, err := f.dir(cmd)
	if err != nil {
		return nil, "", err
	}
	reg, err := modelref.OpenExisting(cmd.Context(), ws)
	return reg, workspace.Dir(ws), err
}

// runE is a RunE that runs op on the registry of the workspace.
func (f *catalogFlags) runE(op registryOp) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		reg, _, err := f.open(cmd)
		if err != nil {
			return err
		}
		return runOp(cmd, reg, f.format, op, args)
	}
}

func newRunsCmd(c *cli) *cobra.Command {
	var f catalogFlags
	var limit int
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List and show pipeline runs from the workspace catalog",
		Example: `  refit runs list --config refit.yaml
  refit runs show r000004 --workspace ./refit-workspace --format json`,
	}
	f.add(cmd)
	list := &cobra.Command{
		Use:   "list",
		Short: "List runs, oldest first",
		Args:  cobra.NoArgs,
		RunE: f.runE(func(cmd *cobra.Command, reg *registry.Registry, _ []string) (any, func(io.Writer) error, error) {
			runs, err := workspace.Dir(reg.Dir()).ListRuns(cmd.Context(), reg, limit)
			return runs, func(w io.Writer) error { return workspace.WriteRunsTable(w, runs) }, err
		}),
	}
	list.Flags().IntVar(&limit, "limit", 20, "show the newest N runs (0: all)")
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show one run's record: outcome, reasons, stages and report",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, ws, err := f.open(cmd)
			if err != nil {
				return err
			}
			defer reg.Close()
			run, err := reg.GetRun(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return ws.WriteRun(cmd.OutOrStdout(), run, f.format == "json")
		},
	}
	cmd.AddCommand(list, show)
	return cmd
}
