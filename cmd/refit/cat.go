package main

import (
	"fmt"
	"strings"

	"github.com/refit-ml/refit/internal/rowsel"
	"github.com/refit-ml/refit/internal/rowtext"
	"github.com/spf13/cobra"
)

// catFlags are the cat command's options.
type catFlags struct {
	format, columns, where, output string
	limit                          int64
}

func newCatCmd(c *cli) *cobra.Command {
	var f catFlags
	cmd := &cobra.Command{
		Use:   "cat PATH...",
		Short: "Print rows as CSV or JSON lines, or write them to a Parquet file",
		Long: `cat prints the rows of datasets in file order: CSV with a header (RFC 4180
quoting, nulls as empty fields) or JSON lines. Floats print in their shortest
round-trip form, timestamps in RFC 3339 (wall-clock timestamps without a zone
print without an offset), binary values as hex, nested values as JSON.

--where keeps the rows where an expression is true (the expression language
of 'refit help config', e.g. "month(date) == 3"). -o writes the rows to a
Parquet file (ZSTD, the Arrow schema kept) instead of printing them: the file
appears complete or not at all.`,
		Example: `  refit cat data/flights.parquet --columns date,delay --limit 10
  refit cat 'data/**/*.arrow' --format jsonl
  refit cat data/flights.parquet --where 'month(date) == 3' -o march.parquet`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.limit < 0 {
				return fmt.Errorf("--limit %d: want 0 (all rows) or more", f.limit)
			}
			if f.output != "" && cmd.Flags().Changed("format") {
				return fmt.Errorf("--format %s and -o: -o writes Parquet; give one", f.format)
			}
			opts := c.ingestOptions()
			if f.limit > 0 && f.limit < 65536 && f.where == "" {
				opts.BatchSize = int(f.limit)
			}
			var shown []string
			if f.columns != "" {
				shown = strings.Split(f.columns, ",")
			}
			sel, err := rowsel.Select(cmd.Context(), args, opts, f.where, shown)
			if err != nil {
				return err
			}
			if f.output != "" {
				return sel.WriteParquet(cmd.Context(), f.output, f.limit)
			}
			return rowtext.WriteAll(cmd.OutOrStdout(), f.format, sel.Schema(), sel.Records(cmd.Context(), f.limit))
		},
	}
	cmd.Flags().StringVar(&f.format, "format", "csv", "output format: csv or jsonl")
	cmd.Flags().StringVar(&f.columns, "columns", "", "comma-separated columns to print, in this order (default all)")
	cmd.Flags().Int64Var(&f.limit, "limit", 0, "print at most this many rows (0 for all)")
	cmd.Flags().StringVar(&f.where, "where", "", "keep only rows where this expression is true")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write the rows to this Parquet file instead of printing them")
	return cmd
}
