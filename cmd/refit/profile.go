package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate/profile"
	"github.com/spf13/cobra"
)

func newProfileCmd(c *cli) *cobra.Command {
	var output, where, format, shard string
	cmd := &cobra.Command{
		Use:   "profile DATA...",
		Short: "Profile every column: counts, nulls, distinct, quantiles, top values",
		Long: `profile reads every row once (files and row groups in parallel) and prints
per-column statistics. With -o it also saves the full profile (sketches
included) as JSON, which 'refit drift' can compare without the data.`,
		Example: `  refit profile data/flights.parquet
  refit profile 'data/**/*.parquet' -o profile.json --where 'month(date) == 1'
  refit profile data/flights.parquet --format json
  refit profile data/ --shard 0/4 -o shard-0.json   # then 'refit profile merge'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			ds, err := ingest.Open(cmd.Context(), args, c.ingestOptions())
			if err != nil {
				return err
			}
			if shard != "" {
				return runProfileShard(cmd, ds, shard, where, output, format)
			}
			prof, err := profileData(cmd.Context(), ds, where, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if output != "" {
				if err := report.WriteFile(output, func(w io.Writer) error { return json.NewEncoder(w).Encode(prof) }); err != nil {
					return err
				}
			}
			res := prof.Result(profile.ResultOptions{})
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			return textout.Profile(cmd.OutOrStdout(), res)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "also save the full profile as JSON to this file")
	cmd.Flags().StringVar(&where, "where", "", "profile only rows where this expression is true, e.g. 'month(date) == 1'")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&shard, "shard", "", "profile only shard i/N of the row groups, for 'refit profile merge' (needs -o)")
	cmd.AddCommand(newProfileMergeCmd())
	return cmd
}

// profileData profiles ds (rows matching where, when set), showing progress
// on stderr when it is a terminal.
func profileData(ctx context.Context, ds *ingest.Dataset, where string, stderr io.Writer) (*profile.Profile, error) {
	opts := profile.ScanOptions{}
	if where != "" {
		prog, err := colexpr.Compile(where, ds.Schema())
		if err != nil {
			return nil, fmt.Errorf("--where: %w", err)
		}
		opts.Where = prog
	}
	progress, done := scanProgress(stderr, "profiling")
	opts.Progress = progress
	defer done()
	return profile.Scan(ctx, ds, opts)
}

// scanProgress returns a progress callback that keeps one updating line
// (rows read, rows/s) on w when w is a terminal, and a function ending the
// line. Both are no-ops when w is not a terminal.
func scanProgress(w io.Writer, what string) (func(int64), func()) {
	f, ok := w.(*os.File)
	if !ok {
		return nil, func() {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil, func() {}
	}
	var mu sync.Mutex
	start, last, shown := time.Now(), time.Time{}, false
	progress := func(rows int64) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if now.Sub(last) < 200*time.Millisecond {
			return
		}
		last, shown = now, true
		rate := float64(rows) / max(now.Sub(start).Seconds(), 1e-9)
		fmt.Fprintf(w, "\r%s: %s rows, %s rows/s   ", what, countText(rows), countText(int64(rate)))
	}
	return progress, func() {
		mu.Lock()
		defer mu.Unlock()
		if shown {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
