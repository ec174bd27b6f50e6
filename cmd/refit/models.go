package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newModelsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List, show and register model versions of the registry",
		Long: `models lists and shows the versions of the registry in --workspace, and
registers model files. A version registered here has a missing gate verdict
and is promoted only with --force --reason; register with
'refit gate --register' to record a verdict that allows promotion.`,
	}
	cmd.AddCommand(newModelsListCmd(), newModelsShowCmd(), newModelsRegisterCmd())
	cmd.AddCommand(newModelsHistoryCmd())
	return cmd
}

// versionView is a version with the aliases pointing at it.
type versionView struct {
	registry.Version
	Aliases []string `json:"aliases"`
	Card    string   `json:"model_card,omitempty"` // MODEL_CARD.md, in show
}

func newModelsListCmd() *cobra.Command {
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

func newModelsShowCmd() *cobra.Command {
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

func newModelsRegisterCmd() *cobra.Command {
	var format, workspace, parent string
	cmd := &cobra.Command{
		Use:   "register MODEL_FILE",
		Short: "Register a model file with a missing gate verdict (promotable only with --force)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if _, err := model.Load(args[0]); err != nil {
				return err
			}
			v, err := registerModel(cmd.Context(), workspace, args[0], registry.RegisterRequest{Parent: parent})
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), v)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "registered %s (gate %s)\n", v.ID, v.Gate)
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&parent, "parent", "", "registered version this model derives from")
	workspaceFlag(cmd, &workspace)
	return cmd
}

// registerModel copies the model file, and its checksum sidecar when it
// has one (the file carries its own checksum), into a new version.
func registerModel(ctx context.Context, workspace, path string, req registry.RegisterRequest) (*registry.Version, error) {
	reg, err := openRegistry(ctx, workspace)
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	req.Files = map[string]string{modelArtifact: path}
	if _, err := os.Stat(path + model.ChecksumSuffix); err == nil {
		req.Files[modelArtifact+model.ChecksumSuffix] = path + model.ChecksumSuffix
	}
	v, err := reg.Register(ctx, req)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// registerVerdict registers the gate's candidate with its metrics and verdict.
func registerVerdict(ctx context.Context, workspace string, out gateOutput) (*registry.Version, error) {
	req, err := pipeline.VerdictRequest(out.Results[0], &out.Verdict)
	if err != nil {
		return nil, err
	}
	if out.Parent != nil {
		req.Parent = out.Parent.Version
	}
	return registerModel(ctx, workspace, out.Candidate.Path, req)
}
