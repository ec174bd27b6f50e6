package main

import (
	"context"
	"fmt"
	"io"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/profileio"
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
			var prof *profile.Profile
			if shard != "" {
				prof, err = profileShard(cmd, ds, shard, where, output)
			} else if prof, err = profileData(cmd.Context(), ds, where, cmd.ErrOrStderr()); err == nil && output != "" {
				err = profileio.Save(output, prof)
			}
			if err != nil {
				return err
			}
			return printProfile(cmd.OutOrStdout(), format, prof)
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
	var prog *colexpr.Program
	if where != "" {
		var err error
		if prog, err = colexpr.Compile(where, ds.Schema()); err != nil {
			return nil, fmt.Errorf("--where: %w", err)
		}
	}
	return profileio.Scan(ctx, ds, prog, stderr)
}

// profileShard profiles shard --shard of ds's parts (row groups, record
// batches) into a shard file for 'refit profile merge' and returns the
// shard's own profile.
func profileShard(cmd *cobra.Command, ds *ingest.Dataset, shard, where, output string) (*profile.Profile, error) {
	i, n, err := profileio.ParseShard(shard)
	switch {
	case err != nil:
		return nil, fmt.Errorf("--shard %w", err)
	case output == "":
		return nil, fmt.Errorf("--shard needs -o: the shard file is what 'refit profile merge' reads")
	case where != "":
		return nil, fmt.Errorf("--shard cannot be combined with --where")
	}
	return profileio.WriteShard(cmd.Context(), ds, i, n, output)
}

// printProfile prints a profile's summary as text or JSON.
func printProfile(w io.Writer, format string, prof *profile.Profile) error {
	res := prof.Result(profile.ResultOptions{})
	if format == "json" {
		return writeJSON(w, res)
	}
	return textout.Profile(w, res)
}

func newProfileMergeCmd() *cobra.Command {
	var output, format string
	cmd := &cobra.Command{
		Use:   "merge PROFILE... -o OUT",
		Short: "Merge shard profiles (from --shard i/N) or saved profiles into one",
		Long: `merge combines the files written by 'refit profile DATA --shard i/N -o FILE'
(one per shard, in any order) into the profile of the whole data: the same
bytes 'refit profile DATA -o FILE' writes, because the shards keep each row
group's partial profile and merge folds them in row-group order. Every shard
of the split must be given exactly once.

Given saved profiles ('refit profile -o') instead, merge adds them in the
order given, for example the daily profiles of a week; sketches (quantiles,
distinct counts) then stay within their stated error rather than matching a
profile of the concatenated data bit for bit.`,
		Example: `  for i in 0 1 2 3; do refit profile data/ --shard $i/4 -o shard-$i.json; done
  refit profile merge shard-*.json -o profile.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if output == "" {
				return fmt.Errorf("-o is required: the merged profile is written there")
			}
			prof, err := profileio.Merge(args)
			if err != nil {
				return err
			}
			if err := profileio.Save(output, prof); err != nil {
				return err
			}
			return printProfile(cmd.OutOrStdout(), format, prof)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the merged profile as JSON to this file (required)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}
