package main

import (
	"context"
	"slices"

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
	var format, workspace string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List model versions, newest first, with their gate verdict and aliases",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			views, err := listVersions(cmd.Context(), workspace)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), views)
			}
			return registry.WriteVersionTable(cmd.OutOrStdout(), views)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	workspaceFlag(cmd, &workspace)
	return cmd
}

func listVersions(ctx context.Context, workspace string) ([]registry.VersionInfo, error) {
	reg, err := openExisting(ctx, workspace)
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	vs, err := reg.List(ctx, registry.Filter{})
	if err != nil {
		return nil, err
	}
	aliases, err := reg.Aliases(ctx)
	if err != nil {
		return nil, err
	}
	views := make([]registry.VersionInfo, len(vs))
	for i, v := range vs {
		views[i] = registry.VersionInfo{Version: v, Aliases: registry.AliasesOf(aliases, v.ID)}
	}
	return views, nil
}

func newModelsShowCmd(c *cli) *cobra.Command {
	var format, workspace string
	cmd := &cobra.Command{
		Use:   "show VERSION|ALIAS",
		Short: "Show one version: lineage, metrics, gate verdict, artifacts and model card",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			views, err := listVersions(cmd.Context(), workspace)
			if err != nil {
				return err
			}
			v, err := resolveVersion(cmd.Context(), args[0], workspace)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(views, func(x registry.VersionInfo) bool { return x.ID == v.ID })
			view := registry.VersionInfo{Version: v, Aliases: views[i].Aliases}
			if view.Card, err = registry.ReadCard(v); err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), view)
			}
			return view.WriteText(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	workspaceFlag(cmd, &workspace)
	return cmd
}
