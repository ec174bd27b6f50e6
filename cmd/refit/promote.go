package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/refit-ml/refit/promotion"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newPromoteCmd(c *cli) *cobra.Command {
	var (
		alias, reason string
		force         bool
		config        *string
	)
	cmd := &cobra.Command{
		Use:   "promote VERSION",
		Short: "Point an alias (champion) at a version whose gate passed",
		Long: `promote points --alias at VERSION in one transaction and appends the change
to the alias history. A version whose gate verdict failed or is missing
(registered without 'refit gate --register') is refused unless --force is
given with a --reason; the history records the forced promotion.

With --config, the config's hooks.on_promote are called after the
promotion commits, with the model card as JSON; a failed hook is reported
on stderr and leaves the promotion in place (exit 0).`,
		Example: `  refit promote v0004
  refit promote v0003 --force --reason "hotfix: v0004 mislabels HNL"`,
		Args: cobra.ExactArgs(1),
		PreRunE: func(*cobra.Command, []string) error {
			if force && reason == "" {
				return fmt.Errorf("--force needs a --reason")
			}
			return nil
		},
	}
	config = registryCommand(cmd, func(cmd *cobra.Command, reg *registry.Registry, args []string) (any, func(io.Writer) error, error) {
		ch, err := promotion.Promote(cmd.Context(), reg, promotion.PromoteRequest{Version: args[0], Alias: alias,
			Options: registry.PromoteOptions{Force: force, Reason: reason}, Config: *config, Warn: cmd.ErrOrStderr()})
		if errors.Is(err, registry.ErrGateNotPassed) {
			// A refusal for the gates is a failed check (exit 1), not bad
			// input; main prints nothing for those, so say why here.
			fmt.Fprintf(cmd.ErrOrStderr(), "refit: %v (use --force --reason to override)\n", err)
			return nil, nil, errFailed
		}
		return ch, ch.WriteText, err
	})
	cmd.Flags().StringVar(&alias, "alias", registry.Champion, "alias to move")
	cmd.Flags().BoolVar(&force, "force", false, "promote even if the gate verdict failed or is missing (needs --reason)")
	cmd.Flags().StringVar(&reason, "reason", "", "why, recorded in the alias history")
	return cmd
}

func newRollbackCmd(c *cli) *cobra.Command {
	var alias, reason string
	cmd := &cobra.Command{
		Use:   "rollback",
		Short: "Move an alias back to its target before the latest promotion",
		Long: `rollback undoes promotions in stack order: after promoting v1, v2, v3, two
rollbacks lead to v2 then v1. The change is appended to the alias history.`,
		Args: cobra.NoArgs,
	}
	registryCommand(cmd, func(cmd *cobra.Command, reg *registry.Registry, _ []string) (any, func(io.Writer) error, error) {
		ch, err := promotion.Rollback(cmd.Context(), reg, alias, registry.RollbackOptions{Reason: reason})
		return ch, ch.WriteText, err
	})
	cmd.Flags().StringVar(&alias, "alias", registry.Champion, "alias to move back")
	cmd.Flags().StringVar(&reason, "reason", "", "why, recorded in the alias history")
	return cmd
}
