package main

import (
	"fmt"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/inspect"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/spf13/cobra"
)

func newInspectCmd(c *cli) *cobra.Command {
	var format string
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
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if ok, err := runInspectModel(cmd.OutOrStdout(), format, args); ok {
				return err
			}
			ds, err := ingest.Open(cmd.Context(), args, c.ingestOptions())
			if err != nil {
				return err
			}
			info := inspect.Dataset(ds)
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), info)
			}
			return info.WriteText(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func checkFormat(got string, allowed ...string) error {
	for _, a := range allowed {
		if got == a {
			return nil
		}
	}
	return fmt.Errorf("--format %q: want %s", got, strings.Join(allowed, " or "))
}

// countText is numfmt.Count, or "?" for an unknown (negative) count.
func countText(n int64) string {
	if n < 0 {
		return "?"
	}
	return numfmt.Count(n)
}
