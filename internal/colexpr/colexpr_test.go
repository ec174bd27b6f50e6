package colexpr

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// flights is a small record like the flights data: a naive timestamp, a
// nullable int, an int, and a string.
func flights(t *testing.T) arrow.Record {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "date", Type: &arrow.TimestampType{Unit: arrow.Microsecond}},
		{Name: "delay", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "distance", Type: arrow.PrimitiveTypes.Int16},
		{Name: "origin", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	at := func(s string) arrow.Timestamp {
		tm, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return arrow.Timestamp(tm.UnixMicro())
	}
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{
		at("2001-01-01 04:30:00"), at("2001-02-14 23:00:00"), at("2001-12-31 12:00:00"), at("2001-03-04 00:00:00"),
	}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{20, 0, -5, 99}, []bool{true, false, true, true})
	b.Field(2).(*array.Int16Builder).AppendValues([]int16{2500, 300, 800, 2100}, nil)
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"ANC", "SEA", "HNL", "JFK"}, nil)
	rec := b.NewRecord()
	t.Cleanup(rec.Release)
	return rec
}

func TestEval(t *testing.T) {
	rec := flights(t)
	tests := []struct {
		src  string
		want string // arrow's rendering of the result
		typ  arrow.Type
	}{
		{"delay > 15", "[true (null) false true]", arrow.BOOL},
		{"delay == nil", "[false true false false]", arrow.BOOL},
		{"is_null(delay)", "[false true false false]", arrow.BOOL},
		{"month(date) <= 2", "[true true false false]", arrow.BOOL},
		{"hour(date) < 5", "[true false false true]", arrow.BOOL},
		{"weekday(date)", "[1 3 1 0]", arrow.INT64},
		{"year(date) * 100 + day(date)", "[200101 200114 200131 200104]", arrow.INT64},
		{"distance > 2000 and origin != 'JFK'", "[true false false false]", arrow.BOOL},
		{`origin in ["ANC", "HNL"]`, "[true false true false]", arrow.BOOL},
		{"distance / 100", "[25 3 8 21]", arrow.FLOAT64},
		{"delay + 0.5", "[20.5 (null) -4.5 99.5]", arrow.FLOAT64},
		{"lower(origin)", `["anc" "sea" "hnl" "jfk"]`, arrow.STRING},
		{"delay ?? -1", "[20 -1 -5 99]", arrow.INT64},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			p, err := Compile(tt.src, rec.Schema())
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Eval(rec)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Release()
			if got.String() != tt.want || got.DataType().ID() != tt.typ {
				t.Errorf("got %s %s, want %s %s", got.DataType(), got, arrow.Type(tt.typ), tt.want)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	rec := flights(t)
	p, err := Compile("hour(date) < 5 && delay > distance", rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Columns(), ","); got != "date,delay,distance" {
		t.Errorf("columns = %s", got)
	}
}

func TestFilter(t *testing.T) {
	rec := flights(t)
	p, err := Compile("delay > 15", rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Filter(p, rec)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.NumRows() != 2 || got.Column(3).String() != `["ANC" "JFK"]` {
		t.Errorf("filtered to %d rows: %v", got.NumRows(), got.Column(3))
	}
}

func TestCompileErrors(t *testing.T) {
	rec := flights(t)
	for _, src := range []string{"nope > 1", "delay >", "origin > 3", "hour(delay)"} {
		if _, err := Compile(src, rec.Schema()); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), src) {
			t.Errorf("Compile(%q) = %v, want ErrInvalid quoting the expression", src, err)
		}
	}
	p, err := Compile("distance + 1", rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Filter(p, rec); !errors.Is(err, ErrInvalid) {
		t.Errorf("Filter on a number: %v, want ErrInvalid", err)
	}
}

func BenchmarkEval(b *testing.B) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "delay", Type: arrow.PrimitiveTypes.Int64}}, nil)
	bld := array.NewInt64Builder(memory.DefaultAllocator)
	for i := range 65536 {
		bld.Append(int64(i%200 - 50))
	}
	col := bld.NewArray()
	rec := array.NewRecord(schema, []arrow.Array{col}, 65536)
	p, err := Compile("delay > 15", schema)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		out, err := p.Eval(rec)
		if err != nil {
			b.Fatal(err)
		}
		out.Release()
	}
	b.ReportMetric(float64(65536*b.N)/b.Elapsed().Seconds(), "rows/s")
}
