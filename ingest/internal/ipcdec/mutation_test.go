package ipcdec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// TestMutation is the mutation campaign of issue 14 for Arrow IPC files
// and streams (ingesttest.Checker.RunMutation): every mutant must end in
// data or a classified error naming the file, without a recovered panic.
func TestMutation(t *testing.T) {
	checker.RunMutation(t, "arrow", mutationSeeds)
}

// mutationSeeds returns the IPC seed files: generated ones, and the small
// files of the arrow-testing integration corpus when present.
func mutationSeeds(t *testing.T) []*ingesttest.Seed {
	var seeds []*ingesttest.Seed
	add := func(name string, data []byte) { seeds = append(seeds, newSeed(name, data)) }
	for _, stream := range []bool{false, true} {
		kind := map[bool]string{false: "file", true: "stream"}[stream]
		add("sample "+kind, sampleIPC(t, stream, 2, false))
		add("sample lz4 "+kind, sampleIPC(t, stream, 2, stream, ipc.WithLZ4()))
		add("sample zstd "+kind, sampleIPC(t, stream, 2, stream, ipc.WithZstd()))
	}
	add("large offsets", largeOffsetsIPC(t))
	if dir := ingesttest.SharedDirOrEmpty(); dir != "" {
		pattern := filepath.Join(dir, "conformance", "arrow-testing", "integration", "*")
		files, _ := filepath.Glob(pattern)
		for _, path := range files {
			if st, err := os.Stat(path); err != nil || st.Size() > 32<<10 {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			add(filepath.Base(path), data)
		}
	}
	slices.SortFunc(seeds, func(a, b *ingesttest.Seed) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range seeds {
		if len(s.Fields) == 0 || testing.Verbose() {
			t.Logf("seed %s", s)
		}
	}
	return seeds
}
