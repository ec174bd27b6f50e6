package parquetdec

import (
	"path/filepath"
	"testing"

	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

func FuzzDecodeParquet(f *testing.F) {
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	if dir := ingesttest.SharedDirOrEmpty(); dir != "" {
		base := filepath.Join(dir, "conformance", "parquet-testing")
		ingesttest.AddSeeds(f, base, "data/*.parquet", "bad_data/*")
	}
	f.Fuzz(fuzzDecode)
}
