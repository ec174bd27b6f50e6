package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newModelsHistoryCmd(c *cli) *cobra.Command {
	var format, workspace string
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
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			alias := registry.Champion
			if len(args) == 1 {
				alias = args[0]
			}
			reg, err := openExisting(cmd.Context(), workspace)
			if err != nil {
				return err
			}
			defer reg.Close()
			hist, err := reg.History(cmd.Context(), alias)
			if err != nil {
				return err
			}
			if format == "json" {
				if hist == nil {
					hist = []registry.HistoryEntry{}
				}
				return writeJSON(cmd.OutOrStdout(), hist)
			}
			return writeHistoryText(cmd.OutOrStdout(), alias, hist)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	workspaceFlag(cmd, &workspace)
	return cmd
}

func writeHistoryText(w io.Writer, alias string, hist []registry.HistoryEntry) error {
	if len(hist) == 0 {
		_, err := fmt.Fprintf(w, "alias %s has never been set\n", alias)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tat\tchange\tfrom\tto\tby\treason")
	for _, h := range hist {
		kind := h.Kind
		if h.Forced {
			kind += " (forced)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Seq, h.At.UTC().Format("2006-01-02 15:04:05Z07:00"), kind,
			orDash(h.From), h.To, orDash(h.Actor), orDash(h.Reason))
	}
	return tw.Flush()
}

// modelCardArtifact is the model card a pipeline run registers with each
// version.
const modelCardArtifact = "MODEL_CARD.md"

// modelCard reads a version's MODEL_CARD.md; "" when it has none (versions
// registered by hand have none).
func modelCard(v registry.Version) (string, error) {
	a, ok := v.Artifact(modelCardArtifact)
	if !ok {
		return "", nil
	}
	data, err := os.ReadFile(a.Path)
	if err != nil {
		return "", fmt.Errorf("model card of %s: %w", v.ID, err)
	}
	return string(data), nil
}

// writeCardText prints a model card after a version's fields.
func writeCardText(w io.Writer, card string) error {
	if card == "" {
		_, err := fmt.Fprintln(w, "model card  none (only versions registered by a run have one)")
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s", card)
	return err
}
