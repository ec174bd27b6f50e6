package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/internal/hostile"
)

// corpusMutants are mutants of the campaign (format, PCG seed, index) that
// once ended in a recovered panic, a huge allocation or an error of the
// wrong class; they are kept in the fuzz corpus as regression inputs.
var corpusMutants = []struct {
	format string
	seed   uint64
	index  int
	why    string
}{
	{"arrow", 14, 45, "timestamps shorter than their node (setData)"},
	{"arrow", 14, 69, "flatbuffer offset out of range"},
	{"arrow", 14, 90, "field node longer than its buffers"},
	{"arrow", 14, 372, "column length differs from the batch's"},
	{"arrow", 14, 514, "int8 values shorter than their node"},
	{"arrow", 14, 516, "custom metadata string out of range"},
	{"arrow", 14, 808, "string offsets past the data"},
	{"arrow", 14, 1718, "zstd buffer that does not decompress"},
	{"arrow", 14, 2627, "record batch without its dictionary"},
	{"arrow", 14, 3001, "struct child shorter than the struct"},
	{"arrow", 15, 7856, "union mode 2"},
	{"arrow", 15, 8860, "time unit -346"},
	{"arrow", 15, 11715, "delta dictionary before its dictionary"},
	{"arrow", 15, 14231, "dictionary without an index type"},
	{"arrow", 15, 14890, "endianness made big by a vtable entry"},
	{"arrow", 15, 20786, "fixed-size list of 0 values"},
	{"parquet", 15, 11715, "map keys with nulls"},
	{"parquet", 16, 28216, "LZ4 block for an empty page"},
}

// TestWriteFuzzCorpus writes testdata/fuzz/FuzzDecodeIPC and
// FuzzDecodeParquet: the reproductions of issue 14 and corpusMutants. It
// runs only with REFIT_WRITE_FUZZ_CORPUS=1 (and REFIT_SHARED, whose
// conformance files the mutants come from); `go test` then runs the
// corpus as part of the fuzz targets.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("REFIT_WRITE_FUZZ_CORPUS") != "1" {
		t.Skip("set REFIT_WRITE_FUZZ_CORPUS=1 to write the fuzz corpus")
	}
	write := func(target, name string, data []byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		enc := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(enc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range issueReproductions(t) {
		target := "FuzzDecodeParquet"
		if bytes.HasPrefix(data, base.ArrowMagic) {
			target = "FuzzDecodeIPC"
		}
		write(target, name, data)
	}
	seeds := map[string][]*seedFile{"arrow": mutationSeeds(t, "arrow"), "parquet": mutationSeeds(t, "parquet")}
	for _, c := range corpusMutants {
		s := seeds[c.format][c.index%len(seeds[c.format])]
		m := s.mutate(rand.New(rand.NewPCG(c.seed, uint64(c.index))))
		target := map[string]string{"arrow": "FuzzDecodeIPC", "parquet": "FuzzDecodeParquet"}[c.format]
		write(target, fmt.Sprintf("mutant-%d-%d", c.seed, c.index), m.data)
	}
}

// issueReproductions are issue 14's hostile files, small enough for the
// corpus: a batch missing its buffers with a 16 GiB length after them, a
// compressed buffer claiming 512 MiB, a page of zeros claiming 128 MiB,
// and footers whose thrift sizes parquet-go would allocate blindly.
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
