package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate/profile"
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
			prof, err := mergeProfileFiles(args)
			if err != nil {
				return err
			}
			if err := report.WriteFile(output, func(w io.Writer) error { return json.NewEncoder(w).Encode(prof) }); err != nil {
				return err
			}
			return printProfile(cmd.OutOrStdout(), format, prof)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the merged profile as JSON to this file (required)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// shardFile is one merge input and its header.
type shardFile struct {
	path string
	head profile.ShardHeader
}

// mergeProfileFiles merges shard files in shard order (holding one shard
// at a time), or saved profiles in argument order.
func mergeProfileFiles(paths []string) (*profile.Profile, error) {
	files := make([]shardFile, len(paths))
	shards := 0
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files[i].path = p
		if json.Unmarshal(b, &files[i].head) == nil && files[i].head.Format == profile.ShardFormat {
			shards++
		}
	}
	switch shards {
	case 0:
		return mergeSaved(paths)
	case len(paths):
		return mergeShards(files)
	}
	return nil, fmt.Errorf("merge: %d of %d files are shard files (from --shard): give only shards or only profiles", shards, len(paths))
}

func mergeShards(files []shardFile) (*profile.Profile, error) {
	slices.SortStableFunc(files, func(a, b shardFile) int { return cmp.Compare(a.head.Index, b.head.Index) })
	var m profile.ShardMerger
	for _, f := range files {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return nil, err
		}
		var s profile.Shard
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%s: decoding shard: %w", f.path, err)
		}
		if err := m.Add(&s); err != nil {
			return nil, fmt.Errorf("%s: %w", f.path, err)
		}
	}
	return m.Profile()
}

func mergeSaved(paths []string) (*profile.Profile, error) {
	var acc *profile.Profile
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		p, err := profile.Decode(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if acc == nil {
			acc = p
			continue
		}
		if err := acc.Merge(p); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return acc, nil
}
