package profileio

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate/profile"
)

// Save writes v (a profile or a shard) as one line of JSON to path,
// crash-safely (report.WriteFile).
func Save(path string, v any) error {
	return report.WriteFile(path, func(w io.Writer) error { return json.NewEncoder(w).Encode(v) })
}

// ParseShard reads a shard spec "i/N" (0 <= i < N). Its error starts
// with the quoted spec, for the caller to prefix with the flag's name.
func ParseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("%q: want i/N with 0 <= i < N, e.g. 0/4", s)
	}
	return i, n, nil
}

// WriteShard profiles shard i of n of ds's parts (row groups, record
// batches) on every core, saves it to path for Merge, and returns the
// shard's own profile.
func WriteShard(ctx context.Context, ds *ingest.Dataset, i, n int, path string) (*profile.Profile, error) {
	s, err := profile.ShardOf(ctx, ds, i, n, profile.Options{}, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, err
	}
	if err := Save(path, s); err != nil {
		return nil, err
	}
	return profile.Fold(ds.Schema(), profile.Options{}, s.Partials)
}

// shardFile is one merge input and its header.
type shardFile struct {
	path string
	head profile.ShardHeader
}

// Merge merges the files at paths: shard files (from WriteShard) in shard
// order, holding one shard at a time, into the profile of the whole data,
// byte for byte; or saved profiles in the order given. Mixing the two is
// an error.
func Merge(paths []string) (*profile.Profile, error) {
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
		p, err := readProfile(path)
		if err != nil {
			return nil, err
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
