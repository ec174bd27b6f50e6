package ipcdec

import (
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

func FuzzDecodeIPC(f *testing.F) {
	for _, stream := range []bool{false, true} {
		f.Add(sampleIPC(f, stream, 3, false))
		f.Add(sampleIPC(f, stream, 3, true, ipc.WithLZ4()))
		f.Add(sampleIPC(f, stream, 3, false, ipc.WithZstd()))
	}
	if dir := ingesttest.SharedDirOrEmpty(); dir != "" {
		base := filepath.Join(dir, "conformance", "arrow-testing")
		ingesttest.AddSeeds(f, base, "fuzz-stream/*", "fuzz-file/*", "integration/*")
	}
	f.Fuzz(fuzzDecode)
}
