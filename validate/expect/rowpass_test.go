package expect

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

// rowPassYAML exercises every kind of row check: patterns, allowed values,
// ranges and nulls with examples, rules, uniqueness and duplicate rows
// (whole rows and over columns).
const rowPassYAML = `version: 1
duplicate_rows: {max_fraction: 0}
columns:
  id: {unique: {}}
  code: {pattern: {regex: '^[A-Z]{2}[0-9]+$'}, nulls: {max_fraction: 0}}
  origin: {values: {allowed: [SEA, LAX, JFK]}}
  delay: {range: {min: -10, max: 100}}
rules:
  - {name: arrives_after, expr: arr >= dep}
  - {name: small_delay, expr: delay < 50}
`

// manyTrips writes n generated trips with repeats of every kind in row
// groups of size rows, in two files, and opens them with their profile.
func manyTrips(t *testing.T, n, size int) (*ingest.Dataset, *profile.Profile) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	var rows []trip
	for i := range n {
		r := tripRows()[i%10]
		r.ID = int64(rng.IntN(n))
		if len(rows) > 0 && rng.IntN(4) == 0 {
			r = rows[rng.IntN(len(rows))] // a whole repeated row
		}
		rows = append(rows, r)
	}
	dir := t.TempDir()
	half := len(rows) / 2
	for k, part := range [][]trip{rows[:half], rows[half:]} {
		if err := parquet.WriteFile(filepath.Join(dir, fmt.Sprintf("t%d.parquet", k)), part, parquet.MaxRowsPerRowGroup(int64(size))); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := ingest.Open(context.Background(), []string{dir}, ingest.Options{BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Scan(context.Background(), ds, profile.ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds, prof
}

// foldSplit runs the row pass as an engine would: the parts are cut into
// consecutive shards at cuts, each shard is folded by AddInput, every
// accumulator goes through JSON, and the shards are merged in part order.
func foldSplit(t *testing.T, r *RowPass, nparts int, cuts []int) *RowOutput {
	t.Helper()
	ctx := context.Background()
	acc := r.CreateAccumulator()
	start := 0
	for _, end := range append(cuts, nparts) {
		shard := r.CreateAccumulator()
		for p := start; p < end; p++ {
			var err error
			if shard, err = r.AddInput(ctx, jsonAcc(t, shard), p); err != nil {
				t.Fatal(err)
			}
		}
		var err error
		if acc, err = r.MergeAccumulators(jsonAcc(t, acc), jsonAcc(t, shard)); err != nil {
			t.Fatal(err)
		}
		start = end
	}
	out, err := r.ExtractOutput(ctx, jsonAcc(t, acc))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func jsonAcc(t *testing.T, a *RowAccumulator) *RowAccumulator {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var out RowAccumulator
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestRowPassAnySplit checks that any split of the parts into consecutive
// shards, folded in part order, gives Check's result.
func TestRowPassAnySplit(t *testing.T) {
	ctx := context.Background()
	exp, err := Decode([]byte(rowPassYAML), "rowpass.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ n, size, maxExamples, maxKeys int }{
		{10, 1, 5, 0}, {200, 7, 5, 0}, {200, 13, 2, 0}, {200, 9, 5, 60},
	} {
		t.Run(fmt.Sprintf("n=%d/size=%d/max=%d/keys=%d", tc.n, tc.size, tc.maxExamples, tc.maxKeys), func(t *testing.T) {
			ds, prof := manyTrips(t, tc.n, tc.size)
			opts := CheckOptions{Now: tripT0, MaxExamples: tc.maxExamples, MaxKeys: tc.maxKeys}
			want, err := Check(ctx, ds, prof, exp, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !want.RowPass || len(want.Findings) < 5 {
				t.Fatalf("want a row pass with findings of every kind, got %+v", want)
			}
			r, err := NewRowPass(ds, prof, exp, opts)
			if err != nil {
				t.Fatal(err)
			}
			nparts := len(ds.Parts())
			rng := rand.New(rand.NewPCG(1, uint64(tc.size)))
			splits := [][]int{nil, seq(1, nparts)}
			for range 8 {
				var cuts []int
				for p := 1; p < nparts; p++ {
					if rng.IntN(3) == 0 {
						cuts = append(cuts, p)
					}
				}
				splits = append(splits, cuts)
			}
			for _, cuts := range splits {
				got, err := r.Result(foldSplit(t, r, nparts, cuts))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					gb, _ := json.MarshalIndent(got, "", " ")
					wb, _ := json.MarshalIndent(want, "", " ")
					t.Fatalf("cuts %v:\ngot  %s\nwant %s", cuts, gb, wb)
				}
			}
		})
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// TestRowPassOrder checks that accumulators out of part order are refused.
func TestRowPassOrder(t *testing.T) {
	ctx := context.Background()
	ds, prof := manyTrips(t, 40, 5)
	exp, err := Decode([]byte(rowPassYAML), "rowpass.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRowPass(ds, prof, exp, CheckOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	a, err := r.AddInput(ctx, r.CreateAccumulator(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.AddInput(ctx, a, 4); err == nil {
		t.Error("AddInput of part 4 after part 2: no error")
	}
	b, err := r.AddInput(ctx, r.CreateAccumulator(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.MergeAccumulators(b, a); err == nil {
		t.Error("merging part 2 after part 0: no error")
	}
	if _, err := r.ExtractOutput(ctx, a); err == nil {
		t.Error("extracting an accumulator of one part: no error")
	}
}
