package rowtext

import (
	"bytes"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/float16"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sample is a record with every kind of value cat prints, including nulls
// and values that need quoting.
func sample(t *testing.T) arrow.Record {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	naive := &arrow.TimestampType{Unit: arrow.Microsecond}
	utc := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	ny := &arrow.TimestampType{Unit: arrow.Second, TimeZone: "America/New_York"}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u", Type: arrow.PrimitiveTypes.Uint8},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "f32", Type: arrow.PrimitiveTypes.Float32},
		{Name: "h", Type: arrow.FixedWidthTypes.Float16},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "bin", Type: arrow.BinaryTypes.Binary},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}},
		{Name: "date", Type: arrow.FixedWidthTypes.Date32},
		{Name: "naive", Type: naive},
		{Name: "utc", Type: utc},
		{Name: "ny", Type: ny},
		{Name: "list", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32), Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.BooleanBuilder).AppendValues([]bool{true, false}, []bool{true, false})
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{math.MinInt64, 42}, []bool{true, false})
	b.Field(2).(*array.Uint8Builder).AppendValues([]uint8{255, 0}, nil)
	b.Field(3).(*array.Float64Builder).AppendValues([]float64{0.1, math.NaN()}, nil)
	b.Field(4).(*array.Float32Builder).AppendValues([]float32{0.1, float32(math.Inf(-1))}, nil)
	b.Field(5).(*array.Float16Builder).AppendValues([]float16.Num{float16.New(1.5), float16.New(-0.25)}, nil)
	b.Field(6).(*array.StringBuilder).AppendValues([]string{"say \"hi\", then\nleave", ""}, []bool{true, false})
	b.Field(7).(*array.BinaryBuilder).AppendValues([][]byte{{0xde, 0xad}, {}}, nil)
	b.Field(8).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(-12345), decimal128.FromI64(5)}, nil)
	b.Field(9).(*array.Date32Builder).AppendValues([]arrow.Date32{arrow.Date32FromTime(time.Date(2001, 1, 2, 0, 0, 0, 0, time.UTC)), 0}, nil)
	wall := time.Date(2001, 1, 1, 17, 5, 0, 123000, time.UTC)
	b.Field(10).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(wall.UnixMicro()), 0}, nil)
	b.Field(11).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(wall.UnixMilli()), 1}, nil)
	b.Field(12).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(wall.Unix()), 0}, nil)
	lb := b.Field(13).(*array.ListBuilder)
	lb.Append(true)
	lb.ValueBuilder().(*array.Int32Builder).AppendValues([]int32{1, 2}, nil)
	lb.AppendNull()
	return b.NewRecord()
}

func TestWriters(t *testing.T) {
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			rec := sample(t)
			defer rec.Release()
			var buf bytes.Buffer
			w, err := New(&buf, format, rec.Schema())
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "sample."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, buf.Bytes())
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, "xml", arrow.NewSchema(nil, nil)); err == nil {
		t.Error("want an error for format xml")
	}
}

// TestWriteAll writes the sample twice through WriteAll: the header once,
// the rows twice; an error of the records ends the write with it.
func TestWriteAll(t *testing.T) {
	rec := sample(t)
	defer rec.Release()
	twice := func(yield func(arrow.Record, error) bool) {
		for range 2 {
			if !yield(rec, nil) {
				return
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteAll(&buf, "csv", rec.Schema(), twice); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	header, rows, _ := bytes.Cut(want, []byte("\n"))
	if got := string(header) + "\n" + string(rows) + string(rows); buf.String() != got {
		t.Errorf("WriteAll:\n%s\nwant:\n%s", buf.String(), got)
	}
	boom := errors.New("boom")
	failing := func(yield func(arrow.Record, error) bool) { yield(nil, boom) }
	if err := WriteAll(&buf, "jsonl", rec.Schema(), failing); !errors.Is(err, boom) {
		t.Errorf("WriteAll of failing records: %v", err)
	}
}
