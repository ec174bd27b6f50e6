package ingesttest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

// PQInner is the struct column of PQRow.
type PQInner struct {
	A int32   `parquet:"a"`
	B *string `parquet:"b,optional"`
}

// PQRow has one column of every kind refit converts.
type PQRow struct {
	B     *bool            `parquet:"b,optional"`
	I8    *int8            `parquet:"i8,optional"`
	I16   *int16           `parquet:"i16,optional"`
	I32   *int32           `parquet:"i32,optional"`
	I64   *int64           `parquet:"i64,optional"`
	U8    *uint8           `parquet:"u8,optional"`
	U16   *uint16          `parquet:"u16,optional"`
	U32   *uint32          `parquet:"u32,optional"`
	U64   *uint64          `parquet:"u64,optional"`
	F32   *float32         `parquet:"f32,optional"`
	F64   *float64         `parquet:"f64,optional"`
	S     *string          `parquet:"s,optional"`
	Dict  *string          `parquet:"dict,optional,dict"`
	Bin   []byte           `parquet:"bin,optional"`
	Dec   int64            `parquet:"dec,decimal(2:18)"`
	TsMs  int64            `parquet:"ts_ms,timestamp(millisecond:utc)"`
	TsUs  int64            `parquet:"ts_us,timestamp(microsecond:local)"`
	TsNs  int64            `parquet:"ts_ns,timestamp(nanosecond:local)"`
	Date  int32            `parquet:"date,date"`
	I96   deprecated.Int96 `parquet:"i96"`
	Delta int64            `parquet:"delta,delta"`
	UUID  [16]byte         `parquet:"uuid,uuid"`
	List  []int32          `parquet:"list,list"`
	Inner PQInner          `parquet:"inner"`
	Opt   *PQInner         `parquet:"opt,optional"`
}

// PQRows makes n rows of every kind, with nulls, lists and nested values.
func PQRows(n int) []PQRow {
	rows := make([]PQRow, n)
	for i := range rows {
		r := &rows[i]
		if i%3 != 0 {
			b, i8, i16, i32, i64 := i%2 == 0, int8(i-50), int16(-i), int32(i*1000), int64(i)<<40
			u8, u16, u32, u64 := uint8(i), uint16(i*300), uint32(i)<<20, uint64(i)<<60
			f32, f64, s, d := float32(i)/3, float64(i)/7, fmt.Sprintf("s%d", i), []string{"x", "y", "z"}[i%3]
			r.B, r.I8, r.I16, r.I32, r.I64 = &b, &i8, &i16, &i32, &i64
			r.U8, r.U16, r.U32, r.U64 = &u8, &u16, &u32, &u64
			r.F32, r.F64, r.S, r.Dict, r.Bin = &f32, &f64, &s, &d, []byte{byte(i), 0}
			r.Opt = &PQInner{A: int32(i)}
		}
		r.Dec = int64(i*101 - 5000)
		r.TsMs, r.TsUs, r.TsNs = int64(i)*86400_000, 978307200_000_000+int64(i), int64(i)*1_000_000_007
		r.Date = int32(11000 + i)
		r.I96 = deprecated.Int96{uint32(i * 1000), 0, 2451545 + uint32(i)}
		r.Delta = int64(i * i)
		r.UUID[0], r.UUID[15] = byte(i), 0xff
		r.List = make([]int32, i%4)
		for j := range r.List {
			r.List[j] = int32(i + j)
		}
		if i%5 == 0 {
			s := "inner"
			r.Inner.B = &s
		}
		r.Inner.A = int32(-i)
	}
	return rows
}

// WritePQ writes rows to a temporary Parquet file and returns its path.
func WritePQ(t testing.TB, rows []PQRow, opts ...parquet.WriterOption) string {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[PQRow](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
