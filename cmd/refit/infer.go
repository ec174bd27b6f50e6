package main

import (
	"io"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/spf13/cobra"
)

func newInferCmd(c *cli) *cobra.Command {
	var output, where string
	cmd := &cobra.Command{
		Use:   "infer DATA...",
		Short: "Propose expectations from data, as commented YAML to edit",
		Long: `infer profiles the data and proposes expectations it meets: the row-count
range (±50 %), every column's type, null fractions with a margin, ranges
widened by 10 % of the interquartile range, allowed values of columns with
at most 50 distinct strings, and uniqueness. Edit the file, then check data
with 'refit audit DATA --expect FILE'.`,
		Example: `  refit infer data/flights.parquet -o expectations.yaml`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ds, err := ingest.Open(cmd.Context(), args, c.ingestOptions())
			if err != nil {
				return err
			}
			prof, err := profileData(cmd.Context(), ds, where, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			exp := expect.Infer(prof, expect.InferOptions{Source: strings.Join(args, ", ")})
			out, err := exp.Encode()
			if err != nil {
				return err
			}
			if output == "" || output == "-" {
				_, err := cmd.OutOrStdout().Write(out)
				return err
			}
			return report.WriteFile(output, func(w io.Writer) error { _, err := w.Write(out); return err })
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the expectations to this file (default stdout)")
	cmd.Flags().StringVar(&where, "where", "", "infer from rows where this expression is true only")
	return cmd
}
