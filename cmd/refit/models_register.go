package main

import (
	"context"
	"fmt"
	"os"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newModelsRegisterCmd(c *cli) *cobra.Command {
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
