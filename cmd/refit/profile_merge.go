package main

import (
	"fmt"

	"github.com/refit-ml/refit/internal/profileio"
	"github.com/spf13/cobra"
)

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
