package ipcdec

import (
	"path/filepath"
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
	for name, data := range ingesttest.SmallSharedFiles(t, filepath.Join("conformance", "arrow-testing", "integration", "*")) {
		add(name, data)
	}
	return ingesttest.SortSeeds(t, seeds)
}
