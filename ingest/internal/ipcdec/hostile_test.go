package ipcdec

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// largeOffsetsIPC writes an IPC file of one batch of large_string and
// large_binary columns, as arrow-testing's
// generated_primitive_large_offsets.arrow_file holds.
func largeOffsetsIPC(t testing.TB) []byte {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "b", Type: arrow.BinaryTypes.LargeBinary, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer bld.Release()
	for i := range 17 {
		if i%3 == 0 {
			bld.Field(0).AppendNull()
			bld.Field(1).AppendNull()
			continue
		}
		bld.Field(0).(*array.LargeStringBuilder).Append(strings.Repeat("x", i))
		bld.Field(1).(*array.BinaryBuilder).Append([]byte{byte(i), 1, 2})
	}
	rec := bld.NewRecord()
	defer rec.Release()
	var buf writeSeeker
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.b
}

// firstBatchBuffers returns the file offset of the buffers vector of the
// first record batch of an IPC file: its uint32 count, then 16-byte
// (offset, length) descriptors.
func firstBatchBuffers(t testing.TB, data []byte) int64 {
	t.Helper()
	d := &FileDecoder{}
	blocks, err := d.checkFooter(ingesttest.BytesSource(data), base.WithDefaults(base.Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if b.dict {
			continue
		}
		meta := data[b.off+8 : b.off+b.meta]
		m, err := parseMessage(meta)
		if err != nil {
			t.Fatal(err)
		}
		pos, ok, err := m.header.target(2)
		if err != nil || !ok {
			t.Fatalf("no buffers vector: %v", err)
		}
		return b.off + 8 + pos
	}
	t.Fatal("no record batch")
	return 0
}

// TestIPCBatchMissingBuffers is issue 14's first reproduction: a record
// batch whose buffers vector lists fewer buffers than its schema needs made
// arrow read a buffer descriptor past the vector, with a length of 16 GiB,
// and die out of memory. It must be a corrupt-file error naming the file,
// having allocated little.
func TestIPCBatchMissingBuffers(t *testing.T) {
	gen := largeOffsetsIPC(t)
	at := firstBatchBuffers(t, gen)
	binary.LittleEndian.PutUint32(gen[at:], 0)          // no buffers...
	binary.LittleEndian.PutUint64(gen[at+4+8:], 16<<30) // ...and a 16 GiB length right after
	cases := map[string][]byte{"generated": gen}
	if dir := ingesttest.SharedDirOrEmpty(); dir != "" {
		path := filepath.Join(dir, "conformance", "arrow-testing", "integration", "generated_primitive_large_offsets.arrow_file")
		if b, err := os.ReadFile(path); err == nil {
			if b[410] != 0x08 {
				t.Fatalf("byte 410 of %s is %#x, want 0x08", path, b[410])
			}
			b[410] = 0x80 // the vtable entry of the first batch's buffers
			cases["arrow-testing byte 410"] = b
		}
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			before := ingesttest.HeapAllocs()
			err := decodeAll(context.Background(), "hostile.arrow", ingesttest.BytesSource(data), ingesttest.Options{}, func(arrow.Record) error {
				t.Error("decoded a record")
				return nil
			})
			if used := ingesttest.HeapAllocs() - before; used > 16<<20 {
				t.Errorf("allocated %d bytes", used)
			}
			if !errors.Is(err, base.ErrCorrupt) || !strings.Contains(err.Error(), "hostile.arrow") {
				t.Fatalf("err = %v, want a corrupt file error naming the file", err)
			}
			if strings.Contains(err.Error(), "panicked") {
				t.Errorf("err = %v, want a checked error", err)
			}
			if !strings.Contains(err.Error(), "buffers, its schema needs") {
				t.Errorf("err = %v, want it to say the buffers are missing", err)
			}
		})
	}
}

// TestIPCLayoutCounts checks the layout counted from a schema against what
// arrow's writer writes, for every type the loader reads.
func TestIPCLayoutCounts(t *testing.T) {
	for _, stream := range []bool{false, true} {
		data := sampleIPC(t, stream, 2, false)
		if _, err := decodeBytes(context.Background(), t, "sample", data, ingesttest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	gen := largeOffsetsIPC(t)
	at := firstBatchBuffers(t, gen)
	n := binary.LittleEndian.Uint32(gen[at:])
	if n != 6 {
		t.Fatalf("large offsets batch has %d buffers, want 6", n)
	}
	binary.LittleEndian.PutUint32(gen[at:], n-1)
	_, err := decodeBytes(context.Background(), t, "short", bytes.Clone(gen), ingesttest.Options{})
	if !errors.Is(err, base.ErrCorrupt) {
		t.Errorf("one buffer short: err = %v, want base.ErrCorrupt", err)
	}
}

// firstBatch returns the block of the first record batch of an IPC file
// and its RecordBatch header.
func firstBatch(t testing.TB, data []byte) (ipcBlock, fbTable) {
	t.Helper()
	d := &FileDecoder{}
	blocks, err := d.checkFooter(ingesttest.BytesSource(data), base.WithDefaults(base.Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if b.dict {
			continue
		}
		m, err := parseMessage(data[b.off+8 : b.off+b.meta])
		if err != nil {
			t.Fatal(err)
		}
		return b, m.header
	}
	t.Fatal("no record batch")
	return ipcBlock{}, fbTable{}
}

// TestIPCCompressedRatio gives a compressed buffer of a few bytes an
// uncompressed length of 512 MiB: refused by MaxRatio before arrow
// allocates it.
func TestIPCCompressedRatio(t *testing.T) {
	data := sampleIPC(t, false, 1, false, ipc.WithZstd())
	b, rb := firstBatch(t, data)
	bufs, err := rb.vectorField(2, 16)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < bufs.n; k++ {
		if off, n := bufs.int64At(k, 0), bufs.int64At(k, 8); n >= 8 {
			binary.LittleEndian.PutUint64(data[b.off+b.meta+off:], 512<<20)
			break
		}
	}
	before := ingesttest.HeapAllocs()
	_, err = decodeBytes(context.Background(), t, "zstd.arrow", data, ingesttest.Options{})
	if !errors.Is(err, base.ErrLimit) || !strings.Contains(err.Error(), "expands to 512 MiB") {
		t.Errorf("err = %v, want a limit error for the ratio", err)
	}
	if used := ingesttest.HeapAllocs() - before; used > 16<<20 {
		t.Errorf("allocated %d bytes", used)
	}
}

// TestIPCDictionaryExpansion decodes a dictionary of one 64 KiB string
// taken by 100 rows: 6.4 MB of strings from a file of 64 KiB, refused when
// MaxPageBytes is 1 MiB.
func TestIPCDictionaryExpansion(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt}}, nil)
	bld := array.NewDictionaryBuilder(memory.DefaultAllocator, dt).(*array.BinaryDictionaryBuilder)
	defer bld.Release()
	long := strings.Repeat("x", 64<<10)
	for range 100 {
		if err := bld.AppendString(long); err != nil {
			t.Fatal(err)
		}
	}
	arr := bld.NewArray()
	defer arr.Release()
	rec := array.NewRecord(schema, []arrow.Array{arr}, 100)
	defer rec.Release()
	var buf writeSeeker
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	recs, err := decodeBytes(context.Background(), t, "dict.arrow", buf.b, ingesttest.Options{})
	releaseRecords(recs)
	if err != nil {
		t.Fatalf("default limits: %v", err)
	}
	_, err = decodeBytes(context.Background(), t, "dict.arrow", buf.b, ingesttest.Options{Limits: base.Limits{MaxPageBytes: 1 << 20}})
	if !errors.Is(err, base.ErrLimit) || !strings.Contains(err.Error(), "dictionary-encoded column decodes to") {
		t.Errorf("err = %v, want a limit error for the decoded dictionary", err)
	}
}

// TestLimitAllocator checks the safety net: an allocation beyond
// MaxPageBytes becomes a limit error naming the file, not a panic message.
func TestLimitAllocator(t *testing.T) {
	mem := newLimitAllocator(memory.DefaultAllocator, base.Limits{MaxPageBytes: 1 << 10})
	mem.Free(mem.Allocate(100))
	err := base.Guard("f.arrow", func() error {
		mem.Allocate(16 << 30)
		return nil
	})
	if !errors.Is(err, base.ErrLimit) || !errors.Is(err, base.ErrCorrupt) || !errors.Is(err, base.ErrAllocLimit) {
		t.Fatalf("err = %v, want a limit error", err)
	}
	if s := err.Error(); !strings.Contains(s, "f.arrow") || strings.Contains(s, "panicked") || !strings.Contains(s, "16 GiB") {
		t.Errorf("err = %v", err)
	}
}
