package parquetdec

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
	"github.com/refit-ml/refit/internal/hostile"
)

// TestMutation is the mutation campaign of issue 14 for Parquet files
// (ingesttest.Checker.RunMutation): every mutant must end in data or a
// classified error naming the file, without a recovered panic.
func TestMutation(t *testing.T) {
	checker.RunMutation(t, "parquet", mutationSeeds)
}

// mutationSeeds returns the Parquet seed files: generated ones, and the
// small files of the parquet-testing corpus when present.
func mutationSeeds(t *testing.T) []*ingesttest.Seed {
	var seeds []*ingesttest.Seed
	add := func(name string, data []byte) { seeds = append(seeds, newSeed(name, data)) }
	for name, data := range parquetSeeds(t) {
		add(name, data)
	}
	for name, data := range ingesttest.SmallSharedFiles(t, filepath.Join("conformance", "parquet-testing", "data", "*.parquet")) {
		add(name, data)
	}
	return ingesttest.SortSeeds(t, seeds)
}

// parquetSeeds writes small Parquet files of every kind refit reads: all
// types, strings, lists and maps, v1 and v2 pages, each codec.
func parquetSeeds(t *testing.T) map[string][]byte {
	seeds := map[string][]byte{}
	codecs := map[string]parquet.WriterOption{
		"snappy": parquet.Compression(&parquet.Snappy), "zstd": parquet.Compression(&parquet.Zstd),
		"gzip": parquet.Compression(&parquet.Gzip), "none": parquet.Compression(&parquet.Uncompressed),
	}
	for name, codec := range codecs {
		for _, v := range []int{1, 2} {
			opts := []parquet.WriterOption{codec, parquet.DataPageVersion(v), parquet.PageBufferSize(400), parquet.MaxRowsPerRowGroup(60)}
			raw, err := os.ReadFile(ingesttest.WritePQ(t, ingesttest.PQRows(90), opts...))
			if err != nil {
				t.Fatal(err)
			}
			seeds[fmt.Sprintf("types %s v%d", name, v)] = raw
			seeds[fmt.Sprintf("strings %s v%d", name, v)] = writeLarge(t, largeRows(80), opts...)
		}
	}
	var buf bytes.Buffer
	if err := (hostile.ZeroPages{RowGroups: 2, PageBytes: 64 << 10}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	seeds["zero pages"] = buf.Bytes()
	return seeds
}
