package parquetdec

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/refit-ml/refit/ingest/internal/ingesttest"
	"github.com/refit-ml/refit/internal/hostile"
)

// corpusMutants are mutants of the Parquet campaign that once ended in a
// recovered panic, a huge allocation or an error of the wrong class.
var corpusMutants = []ingesttest.CorpusMutant{
	{Seed: 15, Index: 11715, Why: "map keys with nulls"},
	{Seed: 16, Index: 28216, Why: "LZ4 block for an empty page"},
}

// TestWriteFuzzCorpus writes testdata/fuzz/FuzzDecodeParquet: the Parquet
// reproductions of issue 14 and corpusMutants. It runs only with
// REFIT_WRITE_FUZZ_CORPUS=1 (and REFIT_SHARED, whose conformance files the
// mutants come from); `go test` then runs the corpus as part of the fuzz
// target.
func TestWriteFuzzCorpus(t *testing.T) {
	ingesttest.WriteFuzzCorpus(t, "FuzzDecodeParquet", issueReproductions, corpusMutants, mutationSeeds)
}

// issueReproductions are issue 14's hostile Parquet files, small enough
// for the corpus: a page of zeros claiming 128 MiB, and footers whose
// thrift sizes parquet-go would allocate blindly.
func issueReproductions(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	var zp bytes.Buffer
	if err := (hostile.ZeroPages{RowGroups: 1, Columns: 1}).Write(&zp); err != nil {
		t.Fatal(err)
	}
	out["zero-pages"] = zp.Bytes()

	footer := func(meta []byte) []byte {
		b := append([]byte("PAR1"), meta...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(meta)))
		return append(b, "PAR1"...)
	}
	out["footer-huge-list"] = footer([]byte{0x49, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x07, 0})
	out["footer-huge-binary"] = footer([]byte{0x68, 0x80, 0x80, 0x80, 0x80, 0x08, 0})
	empty := []byte{0x49, 0xfc}
	empty = binary.AppendUvarint(empty, 1<<14)
	out["footer-empty-structs"] = footer(append(append(empty, make([]byte, 1<<14)...), 0))
	return out
}
