package ingest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/ipc"
)

// fuzzLimits keep a fuzzed input from allocating much.
var fuzzLimits = Limits{MaxPageBytes: 64 << 20, MaxMetadataBytes: 1 << 20, MaxColumns: 1000}

// fuzzDecode decodes data and checks the outcome as the mutation test does
// (decodeChecked): data or a classified error naming the file, never a
// recovered panic, at most 8 pages of fuzzLimits allocated.
func fuzzDecode(t *testing.T, data []byte) {
	if o := decodeChecked("fuzz", data, fuzzLimits, 8*fuzzLimits.MaxPageBytes); o.problem != "" {
		t.Fatal(o.problem)
	}
}

func FuzzDecodeIPC(f *testing.F) {
	for _, stream := range []bool{false, true} {
		f.Add(sampleIPC(f, stream, 3, false))
		f.Add(sampleIPC(f, stream, 3, true, ipc.WithLZ4()))
		f.Add(sampleIPC(f, stream, 3, false, ipc.WithZstd()))
	}
	if dir := sharedDirOrEmpty(); dir != "" {
		base := filepath.Join(dir, "conformance", "arrow-testing")
		addSeeds(f, base, "fuzz-stream/*", "fuzz-file/*", "integration/*")
	}
	f.Fuzz(fuzzDecode)
}

func FuzzDecodeParquet(f *testing.F) {
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	if dir := sharedDirOrEmpty(); dir != "" {
		base := filepath.Join(dir, "conformance", "parquet-testing")
		addSeeds(f, base, "data/*.parquet", "bad_data/*")
	}
	f.Fuzz(fuzzDecode)
}

// addSeeds adds every file under base matching one of the patterns and
// smaller than 1 MiB.
func addSeeds(f *testing.F, base string, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(filepath.Join(base, p))
		for _, path := range files {
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() || st.Size() >= 1<<20 {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// sharedDirOrEmpty is sharedDir without skipping: fuzz targets still run
// on their generated seeds when the shared data is missing.
func sharedDirOrEmpty() string {
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}
