package ipcdec

import (
	"encoding/binary"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// corpusMutants are mutants of the IPC campaign that once ended in a
// recovered panic, a huge allocation or an error of the wrong class.
var corpusMutants = []ingesttest.CorpusMutant{
	{Seed: 14, Index: 45, Why: "timestamps shorter than their node (setData)"},
	{Seed: 14, Index: 69, Why: "flatbuffer offset out of range"},
	{Seed: 14, Index: 90, Why: "field node longer than its buffers"},
	{Seed: 14, Index: 372, Why: "column length differs from the batch's"},
	{Seed: 14, Index: 514, Why: "int8 values shorter than their node"},
	{Seed: 14, Index: 516, Why: "custom metadata string out of range"},
	{Seed: 14, Index: 808, Why: "string offsets past the data"},
	{Seed: 14, Index: 1718, Why: "zstd buffer that does not decompress"},
	{Seed: 14, Index: 2627, Why: "record batch without its dictionary"},
	{Seed: 14, Index: 3001, Why: "struct child shorter than the struct"},
	{Seed: 15, Index: 7856, Why: "union mode 2"},
	{Seed: 15, Index: 8860, Why: "time unit -346"},
	{Seed: 15, Index: 11715, Why: "delta dictionary before its dictionary"},
	{Seed: 15, Index: 14231, Why: "dictionary without an index type"},
	{Seed: 15, Index: 14890, Why: "endianness made big by a vtable entry"},
	{Seed: 15, Index: 20786, Why: "fixed-size list of 0 values"},
}

// TestWriteFuzzCorpus writes testdata/fuzz/FuzzDecodeIPC: the IPC
// reproductions of issue 14 and corpusMutants. It runs only with
// REFIT_WRITE_FUZZ_CORPUS=1 (and REFIT_SHARED, whose conformance files the
// mutants come from); `go test` then runs the corpus as part of the fuzz
// target.
func TestWriteFuzzCorpus(t *testing.T) {
	ingesttest.WriteFuzzCorpus(t, "FuzzDecodeIPC", issueReproductions, corpusMutants, mutationSeeds)
}

// issueReproductions are issue 14's hostile IPC files, small enough for
// the corpus: a batch missing its buffers with a 16 GiB length after
// them, and a compressed buffer claiming 512 MiB.
func issueReproductions(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	gen := largeOffsetsIPC(t)
	at := firstBatchBuffers(t, gen)
	binary.LittleEndian.PutUint32(gen[at:], 0)
	binary.LittleEndian.PutUint64(gen[at+4+8:], 16<<30)
	out["missing-buffers"] = gen

	zs := sampleIPC(t, false, 1, false, ipc.WithZstd())
	b, rb := firstBatch(t, zs)
	bufs, err := rb.vectorField(2, 16)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < bufs.n; k++ {
		if off, n := bufs.int64At(k, 0), bufs.int64At(k, 8); n >= 8 {
			binary.LittleEndian.PutUint64(zs[b.off+b.meta+off:], 512<<20)
			break
		}
	}
	out["compressed-ratio"] = zs
	return out
}
