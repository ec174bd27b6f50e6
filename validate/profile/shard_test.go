package profile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/internal/vtest"
)

// shardData writes an Arrow IPC file of batches (one part each) of the
// given sizes from genRecord and opens it.
func shardData(t *testing.T, sizes []int) *ingest.Dataset {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mixed.arrow")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(vtest.MixedSchema))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 17))
	start := 0
	for _, n := range sizes {
		rec := vtest.GenRecord(rng, start, n)
		start += n
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	ds, err := ingest.Open(context.Background(), []string{path}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func encodeJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestShardMergeEqualsWhole is the merge-equivalence property: for every
// number of shards (more shards than parts included) and any order the
// shard files are given in, merging the shards (through their JSON, as
// 'refit profile merge' does) gives the bytes of the whole-data profile.
// The batches are large enough for the KLL sketches to compact and the
// user column to overflow exact counts into HyperLogLog, the two
// order-sensitive merges.
func TestShardMergeEqualsWhole(t *testing.T) {
	sizes := []int{9000, 1, 5000, 12000, 0, 700, 8000, 3000}
	if testing.Short() {
		sizes = []int{4500, 1, 5000, 0, 3000}
	}
	ctx := context.Background()
	ds := shardData(t, sizes)
	whole, err := Scan(ctx, ds, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := encodeJSON(t, whole)
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= len(sizes)+2; n++ {
		var files [][]byte
		for i := range n {
			s, err := ShardOf(ctx, ds, i, n, Options{}, 2)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, encodeJSON(t, s))
		}
		rng.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
		shards := make([]*Shard, n)
		for _, b := range files {
			var s Shard
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatal(err)
			}
			shards[s.Index] = &s
		}
		var m ShardMerger
		for _, s := range shards {
			if err := m.Add(s); err != nil {
				t.Fatalf("%d shards: %v", n, err)
			}
		}
		got, err := m.Profile()
		if err != nil {
			t.Fatal(err)
		}
		if g := encodeJSON(t, got); !bytes.Equal(g, want) {
			t.Errorf("%d shards: merged profile differs from the whole profile (%d vs %d bytes)", n, len(g), len(want))
		}
	}
}

// TestShardMergerErrors: a missing, repeated or foreign shard is ErrShards.
func TestShardMergerErrors(t *testing.T) {
	ctx := context.Background()
	ds := shardData(t, []int{10, 20, 30})
	shard := func(i, n int) *Shard {
		s, err := ShardOf(ctx, ds, i, n, Options{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name   string
		shards []*Shard
	}{
		{"missing first", []*Shard{shard(1, 2)}},
		{"missing last", []*Shard{shard(0, 2)}},
		{"twice", []*Shard{shard(0, 2), shard(0, 2), shard(1, 2)}},
		{"other split", []*Shard{shard(0, 2), shard(1, 3)}},
		{"none", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m ShardMerger
			var err error
			for _, s := range tt.shards {
				if err = m.Add(s); err != nil {
					break
				}
			}
			if err == nil {
				_, err = m.Profile()
			}
			if !errors.Is(err, ErrShards) {
				t.Fatalf("got %v, want ErrShards", err)
			}
		})
	}
	if _, err := ShardOf(ctx, ds, 2, 2, Options{}, 1); !errors.Is(err, ErrShards) {
		t.Errorf("shard 2/2: got %v, want ErrShards", err)
	}
}

// TestColumnsJoin: a profile split into one-column profiles, each merged
// apart in part order and joined, equals the profile merged whole.
func TestColumnsJoin(t *testing.T) {
	ctx := context.Background()
	ds := shardData(t, []int{5000, 300, 4200})
	whole, err := Scan(ctx, ds, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var parts []*Profile
	for _, p := range ds.Parts() {
		pp, err := Part(ctx, ds, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, pp)
	}
	cols := make([]*Profile, len(ds.Schema().Fields()))
	for c := range cols {
		var colParts []*Profile
		for _, p := range parts {
			colParts = append(colParts, p.Column(c))
		}
		if cols[c], err = Fold(nil, Options{}, colParts); err != nil {
			t.Fatal(err)
		}
	}
	got, err := JoinColumns(ds.Schema(), Options{}, cols)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(encodeJSON(t, got), encodeJSON(t, whole)) {
		t.Error("joined columns differ from the whole profile")
	}
}
