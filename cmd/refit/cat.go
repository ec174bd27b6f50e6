package main

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/rowtext"
	"github.com/spf13/cobra"
)

func newCatCmd(c *cli) *cobra.Command {
	var (
		format  string
		columns string
		limit   int64
	)
	cmd := &cobra.Command{
		Use:   "cat PATH...",
		Short: "Print rows as CSV or JSON lines",
		Long: `cat prints the rows of datasets in file order: CSV with a header (RFC 4180
quoting, nulls as empty fields) or JSON lines. Floats print in their shortest
round-trip form, timestamps in RFC 3339 (wall-clock timestamps without a zone
print without an offset), binary values as hex, nested values as JSON.`,
		Example: `  refit cat data/flights.parquet --columns date,delay --limit 10
  refit cat 'data/**/*.arrow' --format jsonl`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return fmt.Errorf("--limit %d: want 0 (all rows) or more", limit)
			}
			opts := c.ingestOptions()
			if columns != "" {
				opts.Columns = strings.Split(columns, ",")
			}
			if limit > 0 && limit < 65536 {
				opts.BatchSize = int(limit)
			}
			ds, err := ingest.Open(cmd.Context(), args, opts)
			if err != nil {
				return err
			}
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
			w, err := rowtext.New(out, format, ds.Schema())
			if err != nil {
				return err
			}
			if err := catRecords(cmd, ds, w, limit); err != nil {
				return err
			}
			if err := w.Flush(); err != nil {
				return err
			}
			return out.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "output format: csv or jsonl")
	cmd.Flags().StringVar(&columns, "columns", "", "comma-separated columns to print, in this order (default all)")
	cmd.Flags().Int64Var(&limit, "limit", 0, "print at most this many rows (0 for all)")
	return cmd
}

// catRecords writes the rows of ds, only the first limit of them when
// limit is positive: then ds.Head decodes no more than they need.
func catRecords(cmd *cobra.Command, ds *ingest.Dataset, w rowtext.Writer, limit int64) error {
	recs := ds.Records(cmd.Context())
	if limit > 0 {
		recs = ds.Head(cmd.Context(), limit)
	}
	for rec, err := range recs {
		if err != nil {
			return err
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	return nil
}
