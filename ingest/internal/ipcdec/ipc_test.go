package ipcdec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

var sampleSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "cat", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

var sampleCats = []string{"red", "green", "blue", "cyan"}

// sampleRecord builds rows [from, from+n) of the sample data. Batch b uses
// only the first b+2 categories; with grow, its dictionary holds only those,
// so later batches need delta dictionaries.
func sampleRecord(from, n, b int, grow bool) arrow.Record {
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sampleSchema)
	defer bld.Release()
	dict := sampleCats
	if grow {
		dict = sampleCats[:min(b+2, len(sampleCats))]
	}
	values := array.NewStringBuilder(memory.DefaultAllocator)
	defer values.Release()
	values.AppendValues(dict, nil)
	va := values.NewStringArray()
	defer va.Release()
	if err := bld.Field(2).(*array.BinaryDictionaryBuilder).InsertStringDictValues(va); err != nil {
		panic(err)
	}
	for i := from; i < from+n; i++ {
		bld.Field(0).(*array.Int64Builder).Append(int64(i))
		bld.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("row-%d", i))
		cat := bld.Field(2).(*array.BinaryDictionaryBuilder)
		score := bld.Field(3).(*array.Float64Builder)
		if i%5 == 0 {
			cat.AppendNull()
			score.AppendNull()
			continue
		}
		if err := cat.AppendString(sampleCats[i%min(b+2, len(sampleCats))]); err != nil {
			panic(err)
		}
		score.Append(float64(i) / 2)
	}
	return bld.NewRecord()
}

// sampleIPC writes batches of 10 rows of sample data as a stream or file,
// with growing dictionaries written as deltas when deltas is set (arrow
// writes deltas in streams only).
func sampleIPC(t testing.TB, stream bool, batches int, deltas bool, opts ...ipc.Option) []byte {
	t.Helper()
	deltas = deltas && stream
	opts = append(opts, ipc.WithDictionaryDeltas(deltas))
	var buf writeSeeker
	opts = append(opts, ipc.WithSchema(sampleSchema))
	var w interface {
		Write(arrow.Record) error
		Close() error
	}
	if stream {
		w = ipc.NewWriter(&buf, opts...)
	} else {
		fw, err := ipc.NewFileWriter(&buf, opts...)
		if err != nil {
			t.Fatal(err)
		}
		w = fw
	}
	for b := 0; b < batches; b++ {
		rec := sampleRecord(b*10, 10, b, deltas)
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.b
}

// writeSeeker is an in-memory io.WriteSeeker for ipc.NewFileWriter.
type writeSeeker struct {
	b   []byte
	pos int64
}

func (w *writeSeeker) Write(p []byte) (int, error) {
	if need := w.pos + int64(len(p)); need > int64(len(w.b)) {
		w.b = append(w.b, make([]byte, need-int64(len(w.b)))...)
	}
	copy(w.b[w.pos:], p)
	w.pos += int64(len(p))
	return len(p), nil
}

func (w *writeSeeker) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += w.pos
	case io.SeekEnd:
		off += int64(len(w.b))
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	w.pos = off
	return off, nil
}

// wantSample is the decoded sample data of one row, as strings.
func wantSample(i, b int) string {
	if i%5 == 0 {
		return fmt.Sprintf("%d row-%d (null) (null)", i, i)
	}
	return fmt.Sprintf("%d row-%d %s %g", i, i, sampleCats[i%min(b+2, len(sampleCats))], float64(i)/2)
}

func TestIPCRoundTrip(t *testing.T) {
	codecs := map[string][]ipc.Option{"none": nil, "LZ4_FRAME": {ipc.WithLZ4()}, "ZSTD": {ipc.WithZstd()}}
	for name, opts := range codecs {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", name, stream), func(t *testing.T) {
				data := sampleIPC(t, stream, 4, true, opts...)
				var got []string
				err := decodeAll(context.Background(), "sample", ingesttest.BytesSource(data), ingesttest.Options{BatchSize: 7}, func(rec arrow.Record) error {
					if rec.NumRows() > 7 {
						t.Errorf("record of %d rows", rec.NumRows())
					}
					if !rec.Schema().Equal(plainSchemaOnly(sampleSchema)) {
						t.Errorf("schema %v", rec.Schema())
					}
					got = append(got, ingesttest.RowStrings(rec)...)
					return checkRecord(rec)
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 40 {
					t.Fatalf("decoded %d rows, want 40", len(got))
				}
				for i, g := range got {
					if w := wantSample(i, i/10); g != w {
						t.Errorf("row %d = %q, want %q", i, g, w)
					}
				}
				checkSampleInfo(t, data, stream, name)
			})
		}
	}
}

func plainSchemaOnly(s *arrow.Schema) *arrow.Schema {
	p, _ := plainSchema(s)
	return p
}

func checkSampleInfo(t *testing.T, data []byte, stream bool, codec string) {
	d := openSample(t, data, stream)
	defer d.Close()
	info := d.Info()
	wantRows, wantUnits := int64(40), 4
	if stream {
		wantRows, wantUnits = -1, 1
	}
	if info.Rows != wantRows || info.Units != wantUnits || len(info.Columns) != 4 {
		t.Errorf("info rows %d units %d columns %d", info.Rows, info.Units, len(info.Columns))
	}
	if c := info.Columns[2]; c.Arrow != "utf8" || !c.Nullable {
		t.Errorf("cat column %+v", c)
	}
	if codec != "none" && (len(info.Columns[0].Codecs) != 1 || info.Columns[0].Codecs[0] != codec) {
		t.Errorf("codecs %v, want %s", info.Columns[0].Codecs, codec)
	}
	if len(info.Warnings) != 1 {
		t.Errorf("warnings %q, want one about cat", info.Warnings)
	}
}

func openSample(t *testing.T, data []byte, stream bool) decoder {
	t.Helper()
	cfg := base.OpenConfig{Path: "sample", Limits: base.WithDefaults(base.Limits{}), Mem: memory.DefaultAllocator}
	src := ingesttest.BytesSource(data)
	if stream {
		d, err := OpenStream(src, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d, err := OpenFile(src, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestIPCProjectionAndConcurrency(t *testing.T) {
	data := sampleIPC(t, false, 8, false)
	d := openSample(t, data, false)
	defer d.Close()
	var wg sync.WaitGroup
	got := make([][]string, d.NumUnits())
	for u := range got {
		wg.Go(func() {
			err := d.ReadUnit(context.Background(), u, []int{3, 0}, 100, func(rec arrow.Record) error {
				if rec.Schema().Field(0).Name != "score" || rec.Schema().Field(1).Name != "id" {
					return fmt.Errorf("schema %v", rec.Schema())
				}
				got[u] = ingesttest.RowStrings(rec)
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for u, rows := range got {
		if len(rows) != 10 || rows[1] != fmt.Sprintf("%g %d", float64(u*10+1)/2, u*10+1) {
			t.Errorf("unit %d: %q", u, rows)
		}
	}
	err := d.ReadUnit(context.Background(), 0, []int{4}, 10, func(arrow.Record) error { return nil })
	if !errors.Is(err, base.ErrInvalidInput) {
		t.Errorf("column 4 of 4: %v, want base.ErrInvalidInput", err)
	}
}

func TestIPCLimits(t *testing.T) {
	for _, stream := range []bool{false, true} {
		data := sampleIPC(t, stream, 2, false)
		err := decodeAll(context.Background(), "sample", ingesttest.BytesSource(data), ingesttest.Options{Limits: base.Limits{MaxPageBytes: 64}}, func(arrow.Record) error { return nil })
		if !errors.Is(err, base.ErrLimit) || !errors.Is(err, base.ErrCorrupt) {
			t.Errorf("stream=%v: %v, want base.ErrLimit", stream, err)
		}
		err = decodeAll(context.Background(), "sample", ingesttest.BytesSource(data), ingesttest.Options{Limits: base.Limits{MaxColumns: 3}}, func(arrow.Record) error { return nil })
		if !errors.Is(err, base.ErrLimit) {
			t.Errorf("stream=%v: %v, want base.ErrLimit for columns", stream, err)
		}
	}
}

// TestIPCTruncated decodes every prefix and every one-byte corruption of a
// small compressed file and stream: each ends in data or an error.
func TestIPCTruncated(t *testing.T) {
	for _, stream := range []bool{false, true} {
		data := sampleIPC(t, stream, 2, true, ipc.WithZstd())
		for n := 0; n < len(data); n++ {
			fuzzDecode(t, data[:n])
			mut := bytes.Clone(data)
			mut[n] ^= 0xA5
			fuzzDecode(t, mut)
		}
	}
}

func TestIPCCancel(t *testing.T) {
	data := sampleIPC(t, true, 3, false)
	ctx, cancel := context.WithCancel(context.Background())
	err := decodeAll(ctx, "sample", ingesttest.BytesSource(data), ingesttest.Options{BatchSize: 2}, func(arrow.Record) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
