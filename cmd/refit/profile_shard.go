package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/textout"
	"github.com/refit-ml/refit/validate/profile"
	"github.com/spf13/cobra"
)

// parseShard reads --shard i/N (0 <= i < N).
func parseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("--shard %q: want i/N with 0 <= i < N, e.g. 0/4", s)
	}
	return i, n, nil
}

// runProfileShard profiles shard --shard of ds's parts (row groups, record
// batches) into a shard file for 'refit profile merge' and prints the
// shard's own profile.
func runProfileShard(cmd *cobra.Command, ds *ingest.Dataset, shard, where, output, format string) error {
	i, n, err := parseShard(shard)
	if err != nil {
		return err
	}
	if output == "" {
		return fmt.Errorf("--shard needs -o: the shard file is what 'refit profile merge' reads")
	}
	if where != "" {
		return fmt.Errorf("--shard cannot be combined with --where")
	}
	s, err := profile.ShardOf(cmd.Context(), ds, i, n, profile.Options{}, runtime.GOMAXPROCS(0))
	if err != nil {
		return err
	}
	if err := report.WriteFile(output, func(w io.Writer) error { return json.NewEncoder(w).Encode(s) }); err != nil {
		return err
	}
	prof, err := profile.Fold(ds.Schema(), profile.Options{}, s.Partials)
	if err != nil {
		return err
	}
	return printProfile(cmd.OutOrStdout(), format, prof)
}

// printProfile prints a profile's summary as text or JSON.
func printProfile(w io.Writer, format string, prof *profile.Profile) error {
	res := prof.Result(profile.ResultOptions{})
	if format == "json" {
		return writeJSON(w, res)
	}
	return textout.Profile(w, res)
}
