package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest"
)

// columns are the flights model's inputs.
var columns = []string{"distance", "date", "origin", "destination"}

// requestRows are prepared request bodies: single-row JSON requests and
// one Arrow IPC stream of a batch.
type requestRows struct {
	json  [][]byte
	arrow []byte
	batch int
}

// loadRows reads the first batch rows of data and prepares the bodies.
func loadRows(ctx context.Context, data string, batch int) (*requestRows, error) {
	ds, err := ingest.Open(ctx, []string{data}, ingest.Options{})
	if err != nil {
		return nil, err
	}
	var parts [][]arrow.Array
	n := 0
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			return nil, err
		}
		cols := make([]arrow.Array, len(columns))
		for i, name := range columns {
			idx := rec.Schema().FieldIndices(name)
			if len(idx) != 1 {
				rec.Release()
				return nil, fmt.Errorf("%s: no column %q", data, name)
			}
			take := min(int(rec.NumRows()), batch-n)
			cols[i] = array.NewSlice(rec.Column(idx[0]), 0, int64(take))
		}
		n += cols[0].Len()
		parts = append(parts, cols)
		rec.Release()
		if n >= batch {
			break
		}
	}
	if n < batch {
		return nil, fmt.Errorf("%s: %d rows, want %d", data, n, batch)
	}
	rec, err := concat(parts, n)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	rr := &requestRows{batch: batch}
	var b bytes.Buffer
	w := ipc.NewWriter(&b, ipc.WithSchema(rec.Schema()))
	if err := w.Write(rec); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	rr.arrow = b.Bytes()
	for i := range min(n, 2000) {
		rr.json = append(rr.json, jsonRow(rec, i))
	}
	return rr, nil
}

func concat(parts [][]arrow.Array, n int) (arrow.Record, error) {
	fields := make([]arrow.Field, len(columns))
	cols := make([]arrow.Array, len(columns))
	for i, name := range columns {
		var arrs []arrow.Array
		for _, p := range parts {
			arrs = append(arrs, p[i])
		}
		c, err := array.Concatenate(arrs, memory.DefaultAllocator)
		if err != nil {
			return nil, err
		}
		cols[i], fields[i] = c, arrow.Field{Name: name, Type: c.DataType(), Nullable: true}
	}
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(n)), nil
}

// jsonRow is row i as an Open Inference Protocol request.
func jsonRow(rec arrow.Record, i int) []byte {
	b := []byte(`{"inputs":[`)
	for c, name := range columns {
		if c > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":"`+name+`","shape":[1],`...)
		switch a := rec.Column(c).(type) {
		case *array.Timestamp:
			b = append(b, `"datatype":"INT64","data":[`...)
			b = strconv.AppendInt(b, int64(a.Value(i)), 10)
		case *array.String:
			b = append(b, `"datatype":"BYTES","data":[`...)
			b = strconv.AppendQuote(b, a.Value(i))
		case *array.Dictionary:
			b = append(b, `"datatype":"BYTES","data":[`...)
			b = strconv.AppendQuote(b, a.Dictionary().ValueStr(a.GetValueIndex(i)))
		default:
			b = append(b, `"datatype":"FP64","data":[`...)
			b = append(b, a.ValueStr(i)...)
		}
		b = append(b, "]}"...)
	}
	return append(b, "]}"...)
}
