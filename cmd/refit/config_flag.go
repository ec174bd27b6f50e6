package main

import (
	"errors"

	"github.com/refit-ml/refit/pipeline"
	"github.com/spf13/cobra"
)

// configWorkspaceFlag adds --config to a command that has --workspace:
// given, the workspace is the one the refit.yaml names (relative to the
// file), so every command that reads a workspace takes either flag, as
// 'refit runs' does. The workspace is resolved before the command runs.
// It returns the --config value.
func configWorkspaceFlag(cmd *cobra.Command, dir *string) *string {
	config := new(string)
	cmd.Flags().StringVar(config, "config", "", "take the workspace from this refit.yaml instead of --workspace")
	next := cmd.PreRunE
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if *config != "" {
			ws, err := configWorkspace(cmd, *config)
			if err != nil {
				return err
			}
			*dir = ws
		}
		if next != nil {
			return next(cmd, args)
		}
		return nil
	}
	return config
}

// configWorkspace is the workspace of the config file, refusing --workspace
// given as well.
func configWorkspace(cmd *cobra.Command, config string) (string, error) {
	if cmd.Flags().Changed("workspace") {
		return "", errors.New("--workspace and --config: give one")
	}
	cfg, err := pipeline.Load(config)
	if err != nil {
		return "", err
	}
	return cfg.Path(cfg.Workspace), nil
}
