package main

import (
	"io"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/promotion"
	"github.com/refit-ml/refit/registry"
	"github.com/spf13/cobra"
)

func newModelsRegisterCmd(c *cli) *cobra.Command {
	var workspace, parent string
	var format *string
	cmd := &cobra.Command{
		Use:   "register MODEL_FILE",
		Short: "Register a model file with a missing gate verdict (promotable only with --force)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := model.Load(args[0]); err != nil {
				return err
			}
			v, err := promotion.Register(cmd.Context(), workspace, args[0], registry.RegisterRequest{Parent: parent})
			if err != nil {
				return err
			}
			return writeOut(cmd.OutOrStdout(), *format, v, func(w io.Writer) error { return promotion.WriteRegistered(w, *v) })
		},
	}
	format = formatFlag(cmd)
	cmd.Flags().StringVar(&parent, "parent", "", "registered version this model derives from")
	workspaceFlag(cmd, &workspace)
	return cmd
}
