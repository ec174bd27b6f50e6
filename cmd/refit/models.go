package main

import (
	"io"

	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newModelsCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List, show and register model versions of the registry",
		Long: `models lists and shows the versions of the registry in --workspace, and
registers model files. A version registered here has a missing gate verdict
and is promoted only with --force --reason; register with
'refit gate --register' to record a verdict that allows promotion.`,
	}
	cmd.AddCommand(newModelsListCmd(c), newModelsShowCmd(c), newModelsRegisterCmd(c))
	cmd.AddCommand(newModelsHistoryCmd(c))
	return cmd
}

func newModelsListCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List model versions, newest first, with their gate verdict and aliases",
		Args:  cobra.NoArgs,
	}
	registryCommand(cmd, func(cmd *cobra.Command, reg *registry.Registry, _ []string) (any, func(io.Writer) error, error) {
		infos, err := reg.Infos(cmd.Context())
		return infos, func(w io.Writer) error { return registry.WriteVersionTable(w, infos) }, err
	})
	return cmd
}

func newModelsShowCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show VERSION|ALIAS",
		Short: "Show one version: lineage, metrics, gate verdict, artifacts and model card",
		Args:  cobra.ExactArgs(1),
	}
	registryCommand(cmd, func(cmd *cobra.Command, reg *registry.Registry, args []string) (any, func(io.Writer) error, error) {
		info, err := modelref.Show(cmd.Context(), reg, args[0])
		return info, info.WriteText, err
	})
	return cmd
}
