package main

import (
	"io"

	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newModelsHistoryCmd(c *cli) *cobra.Command {
	var workspace string
	var format *string
	cmd := &cobra.Command{
		Use:   "history [ALIAS]",
		Short: "Show an alias's history (default champion): every promotion and rollback, who and why",
		Long: `history lists every change of an alias, oldest first: when, promote or
rollback, from which version to which, whether it was forced, who made it
(the user for 'refit promote' and 'refit rollback', the run for a pipeline
promotion) and the reason given.`,
		Example: `  refit models history --config refit.yaml
  refit models history staging --workspace ./refit-workspace --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			alias := registry.Champion
			if len(args) == 1 {
				alias = args[0]
			}
			reg, err := modelref.OpenExisting(cmd.Context(), workspace)
			if err != nil {
				return err
			}
			defer reg.Close()
			hist, err := reg.History(cmd.Context(), alias)
			if err != nil {
				return err
			}
			if hist == nil {
				hist = []registry.HistoryEntry{}
			}
			return writeOut(cmd.OutOrStdout(), *format, hist, func(w io.Writer) error { return registry.WriteHistoryText(w, alias, hist) })
		},
	}
	format = formatFlag(cmd)
	workspaceFlag(cmd, &workspace)
	return cmd
}
