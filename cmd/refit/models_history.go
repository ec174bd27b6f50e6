package main

import (
	"io"

	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newModelsHistoryCmd(c *cli) *cobra.Command {
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
	}
	registryCommand(cmd, func(cmd *cobra.Command, reg *registry.Registry, args []string) (any, func(io.Writer) error, error) {
		alias := registry.Champion
		if len(args) == 1 {
			alias = args[0]
		}
		hist, err := reg.History(cmd.Context(), alias)
		if hist == nil {
			hist = []registry.HistoryEntry{}
		}
		return hist, func(w io.Writer) error { return registry.WriteHistoryText(w, alias, hist) }, err
	})
	return cmd
}
