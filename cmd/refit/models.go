package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

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

// versionView is a version with the aliases pointing at it.
type versionView struct {
	registry.Version
	Aliases []string `json:"aliases"`
	Card    string   `json:"model_card,omitempty"` // MODEL_CARD.md, in show
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
			return writeVersionTable(cmd.OutOrStdout(), views)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	workspaceFlag(cmd, &workspace)
	return cmd
}

func listVersions(ctx context.Context, workspace string) ([]versionView, error) {
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
	views := make([]versionView, len(vs))
	for i, v := range vs {
		views[i] = versionView{Version: v, Aliases: aliasesOf(aliases, v.ID)}
	}
	return views, nil
}

func aliasesOf(aliases map[string]string, id string) []string {
	out := []string{}
	for name, target := range aliases {
		if target == id {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func writeVersionTable(w io.Writer, views []versionView) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "version\tcreated\tgate\tstate\trun\tparent\taliases")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Created.Format("2006-01-02 15:04:05Z07:00"),
			v.Gate, v.State, orDash(v.RunID), orDash(v.Parent), orDash(joinComma(v.Aliases)))
	}
	return tw.Flush()
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
			i := slices.IndexFunc(views, func(x versionView) bool { return x.ID == v.ID })
			view := versionView{Version: v, Aliases: views[i].Aliases}
			if view.Card, err = modelCard(v); err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), view)
			}
			return writeVersionText(cmd.OutOrStdout(), view)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	workspaceFlag(cmd, &workspace)
	return cmd
}

func writeVersionText(w io.Writer, v versionView) error {
	fmt.Fprintf(w, "version  %s\ncreated  %s\ngate     %s\nstate    %s\nrun      %s\nparent   %s\naliases  %s\n", v.ID,
		v.Created.Format("2006-01-02 15:04:05Z07:00"), v.Gate, stateText(v.Version), orDash(v.RunID), orDash(v.Parent), orDash(joinComma(v.Aliases)))
	for _, a := range v.Artifacts {
		fmt.Fprintf(w, "artifact %s  %d bytes  sha256 %s\n", a.Name, a.Size, a.SHA256)
	}
	fmt.Fprintf(w, "metrics  %s\ngate reasons %s\n", compactJSON(v.Metrics), compactJSON(v.GateReasons))
	return writeCardText(w, v.Card)
}

// stateText is a version's state with what it means for promotion.
func stateText(v registry.Version) string {
	switch v.State {
	case registry.StateAbandoned:
		return v.State + " (its run was interrupted before deciding; promote only with --force --reason)"
	case registry.StatePending:
		return v.State + " (its run has not finished)"
	}
	return v.State
}

func compactJSON(raw json.RawMessage) string {
	b, err := json.Marshal(raw)
	if err != nil {
		return string(raw)
	}
	return string(b)
}
