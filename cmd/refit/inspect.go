package main

import (
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/inspect"
	"github.com/spf13/cobra"
)

func newInspectCmd(c *cli) *cobra.Command {
	var format *string
	cmd := &cobra.Command{
		Use:   "inspect PATH...",
		Short: "Describe datasets (schema, rows, row groups, codecs) or a model file",
		Long: `inspect describes datasets: format, schema, rows, row groups, codecs and
bytes of each file.

Given a model file (what 'refit train' writes, or models/<version>/
model.safetensors in a workspace; recognized by its header, whatever its
name), it describes the model instead: task, label and classes, each input
column with its encoding and what training learned of it, each layer with
its shape, activation, sparsity and storage (float32, or int8 with
per-channel scales and a dynamic or static input range), the lineage, and
the model card when the file sits in a registered version's folder.`,
		Example: `  refit inspect data/flights.parquet
  refit inspect model.refit
  refit inspect refit-workspace/models/v0004/model.safetensors --format json
  refit inspect 'data/**/*.parquet' --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			if mi, ok, err := inspect.ModelArg(args); ok {
				if err != nil {
					return err
				}
				return writeOut(w, *format, mi, mi.WriteText)
			}
			ds, err := ingest.Open(cmd.Context(), args, c.ingestOptions())
			if err != nil {
				return err
			}
			info := inspect.Dataset(ds)
			return writeOut(w, *format, info, info.WriteText)
		},
	}
	format = formatFlag(cmd)
	return cmd
}
