package main

import (
	"io"
	"os"

	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

// workspaceFlag adds --workspace, defaulting to $REFIT_WORKSPACE, and
// --config, which takes the workspace from a refit.yaml instead; it
// returns the --config value.
func workspaceFlag(cmd *cobra.Command, dir *string) *string {
	cmd.Flags().StringVar(dir, "workspace", defaultWorkspace(), "workspace with the model registry (default $REFIT_WORKSPACE or "+modelref.DefaultWorkspace+")")
	return configWorkspaceFlag(cmd, dir)
}

// defaultWorkspace is $REFIT_WORKSPACE, else modelref.DefaultWorkspace.
func defaultWorkspace() string {
	if def := os.Getenv("REFIT_WORKSPACE"); def != "" {
		return def
	}
	return modelref.DefaultWorkspace
}

// registryOp is a command's work on a workspace's registry: it returns
// the value printed as JSON and the writer of its text.
type registryOp func(cmd *cobra.Command, reg *registry.Registry, args []string) (any, func(io.Writer) error, error)

// registryCommand adds --workspace, --config and --format to cmd and makes
// it run op on the registry of the workspace, which must exist; it
// returns the --config value.
func registryCommand(cmd *cobra.Command, op registryOp) *string {
	var ws string
	format := formatFlag(cmd)
	config := workspaceFlag(cmd, &ws)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		reg, err := modelref.OpenExisting(cmd.Context(), ws)
		if err != nil {
			return err
		}
		return runOp(cmd, reg, *format, op, args)
	}
	return config
}

// runOp runs op on reg, closes it and writes op's result in format.
func runOp(cmd *cobra.Command, reg *registry.Registry, format string, op registryOp, args []string) error {
	defer reg.Close()
	v, text, err := op(cmd, reg, args)
	if err != nil {
		return err
	}
	return writeOut(cmd.OutOrStdout(), format, v, text)
}
