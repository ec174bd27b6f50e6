package parquetdec

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// table is a decoded file: one concatenated array per column.
type table struct {
	schema *arrow.Schema
	cols   []arrow.Array
	rows   int64
}

func (tb *table) release() {
	pqReleaseArrays(tb.cols)
}

func (tb *table) column(name string) arrow.Array {
	for i, f := range tb.schema.Fields() {
		if f.Name == name {
			return tb.cols[i]
		}
	}
	return nil
}

// readRefit decodes a file with decodeAll and concatenates the records.
func readRefit(t testing.TB, path string, opts ingesttest.Options) (*table, []string, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return readRefitBytes(path, b, opts)
}

func readRefitBytes(path string, b []byte, opts ingesttest.Options) (*table, []string, error) {
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	err := decodeAll(context.Background(), path, ingesttest.BytesSource(b), opts, func(r arrow.Record) error {
		r.Retain()
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	d, err := Open(ingesttest.BytesSource(b), base.OpenConfig{Path: path, Limits: base.WithDefaults(base.Limits{}), Mem: memory.DefaultAllocator})
	if err != nil {
		return nil, nil, err
	}
	tb, err := concatRecords(d.Schema(), recs)
	return tb, d.Warnings(), err
}

func concatRecords(schema *arrow.Schema, recs []arrow.Record) (*table, error) {
	tb := &table{schema: schema}
	for i := range schema.NumFields() {
		var parts []arrow.Array
		for _, r := range recs {
			parts = append(parts, r.Column(i))
		}
		if len(parts) == 0 {
			b := array.NewBuilder(memory.DefaultAllocator, schema.Field(i).Type)
			tb.cols = append(tb.cols, b.NewArray())
			b.Release()
			continue
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		tb.cols = append(tb.cols, a)
	}
	for _, r := range recs {
		tb.rows += r.NumRows()
	}
	return tb, nil
}

// readPQArrow reads a file with arrow's pqarrow reader.
func readPQArrow(path string) (tb *table, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pqarrow panicked: %v", r)
		}
	}()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, err
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	tb = &table{schema: tbl.Schema(), rows: tbl.NumRows()}
	for i := range int(tbl.NumCols()) {
		chunks := tbl.Column(i).Data().Chunks()
		if len(chunks) == 0 {
			b := array.NewBuilder(memory.DefaultAllocator, tbl.Schema().Field(i).Type)
			tb.cols = append(tb.cols, b.NewArray())
			b.Release()
			continue
		}
		a, err := array.Concatenate(chunks, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		tb.cols = append(tb.cols, a)
	}
	return tb, nil
}
