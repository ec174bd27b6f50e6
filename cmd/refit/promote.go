package main

import (
	"errors"
	"fmt"
	"github.com/refit-ml/refit/internal/hook"
	"io"
	"os"
	"strings"

	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

// aliasChange is what promote and rollback report.
type aliasChange struct {
	Alias  string `json:"alias"`
	From   string `json:"from"`
	To     string `json:"to"`
	Kind   string `json:"kind"`
	Forced bool   `json:"forced,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Hooks are the results of the config's on_promote hooks.
	Hooks []hook.Result `json:"hooks,omitempty"`
}

func newPromoteCmd(c *cli) *cobra.Command {
	var (
		format, workspace, alias, reason string
		force                            bool
		config                           *string
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if force && reason == "" {
				return fmt.Errorf("--force needs a --reason")
			}
			reg, err := openExisting(cmd.Context(), workspace)
			if err != nil {
				return err
			}
			defer reg.Close()
			seq := historySeq(cmd.Context(), reg, alias)
			err = reg.Promote(cmd.Context(), args[0], alias, registry.PromoteOptions{Force: force, Reason: reason, Actor: actor()})
			if errors.Is(err, registry.ErrGateNotPassed) {
				// A refusal for the gates is a failed check (exit 1), not bad
				// input; main prints nothing for those, so say why here.
				fmt.Fprintf(cmd.ErrOrStderr(), "refit: %v (use --force --reason to override)\n", err)
				return errFailed
			}
			if err != nil {
				return err
			}
			hooks := promoteHooks(cmd, reg, *config, alias, seq)
			return writeLastChange(cmd, reg, alias, format, hooks...)
		},
	}
	cmd.Flags().StringVar(&alias, "alias", registry.Champion, "alias to move")
	cmd.Flags().BoolVar(&force, "force", false, "promote even if the gate verdict failed or is missing (needs --reason)")
	cmd.Flags().StringVar(&reason, "reason", "", "why, recorded in the alias history")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	config = workspaceFlag(cmd, &workspace)
	return cmd
}

func newRollbackCmd(c *cli) *cobra.Command {
	var format, workspace, alias, reason string
	cmd := &cobra.Command{
		Use:   "rollback",
		Short: "Move an alias back to its target before the latest promotion",
		Long: `rollback undoes promotions in stack order: after promoting v1, v2, v3, two
rollbacks lead to v2 then v1. The change is appended to the alias history.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			reg, err := openExisting(cmd.Context(), workspace)
			if err != nil {
				return err
			}
			defer reg.Close()
			if _, err := reg.Rollback(cmd.Context(), alias, registry.RollbackOptions{Reason: reason, Actor: actor()}); err != nil {
				return err
			}
			return writeLastChange(cmd, reg, alias, format)
		},
	}
	cmd.Flags().StringVar(&alias, "alias", registry.Champion, "alias to move back")
	cmd.Flags().StringVar(&reason, "reason", "", "why, recorded in the alias history")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	workspaceFlag(cmd, &workspace)
	return cmd
}

// writeLastChange reports the alias's latest history entry.
func writeLastChange(cmd *cobra.Command, reg *registry.Registry, alias, format string, hooks ...hook.Result) error {
	hist, err := reg.History(cmd.Context(), alias)
	if err != nil {
		return err
	}
	if len(hist) == 0 {
		return fmt.Errorf("alias %s has no history", alias)
	}
	h := hist[len(hist)-1]
	c := aliasChange{Alias: h.Alias, From: h.From, To: h.To, Kind: h.Kind, Forced: h.Forced, Reason: h.Reason, Hooks: hooks}
	if format == "json" {
		return writeJSON(cmd.OutOrStdout(), c)
	}
	return writeChangeText(cmd.OutOrStdout(), c)
}

func writeChangeText(w io.Writer, c aliasChange) error {
	note := ""
	if c.Forced {
		note = " (forced)"
	}
	_, err := fmt.Fprintf(w, "%s: %s %s -> %s%s\n", c.Kind, c.Alias, orDash(c.From), c.To, note)
	return err
}

// actor names who changed an alias: $USER, or "cli".
func actor() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

func joinComma(s []string) string { return strings.Join(s, ",") }
