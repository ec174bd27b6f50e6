package ingesttest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/metrics"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// Decoder is what DecodeAll needs of a decoder: the subset of ingest's
// decoder interface that reads every unit.
type Decoder interface {
	Schema() *arrow.Schema
	NumUnits() int
	ReadUnit(ctx context.Context, i int, cols []int, batchSize int, emit func(arrow.Record) error) error
	Close() error
}

// Opener opens a decoder of format f over src, as ingest's openDecoder
// does; a decoder package's tests pass one for the formats it reads.
type Opener func(f base.Format, src base.Source, cfg base.OpenConfig) (Decoder, error)

// Options are the options DecodeAll reads; zero fields take ingest's
// defaults.
type Options struct {
	BatchSize int // defaults to 65536
	Limits    base.Limits
	Mem       memory.Allocator // defaults to memory.DefaultAllocator
}

// BytesSource is a base.Source over a byte slice.
type BytesSource []byte

// ReadAt reads from the slice; reading past its end returns io.EOF.
func (s BytesSource) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset %d", off)
	}
	if off >= int64(len(s)) {
		return 0, io.EOF
	}
	n := copy(p, s[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Size is the length of the slice.
func (s BytesSource) Size() int64 { return int64(len(s)) }

// DecodeAll detects the format of src, opens it with open and decodes
// every unit in order, projecting nothing, calling emit for each record.
// It is the path the fuzz targets and conformance tests drive: everything
// untrusted goes through base.Guard, as in ingest.
func DecodeAll(ctx context.Context, path string, src base.Source, opts Options, open Opener, emit func(arrow.Record) error) error {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 65536
	}
	if opts.Mem == nil {
		opts.Mem = memory.DefaultAllocator
	}
	cfg := base.OpenConfig{Path: path, Limits: base.WithDefaults(opts.Limits), Mem: opts.Mem}
	var d Decoder
	err := base.Guard(path, func() error {
		f, err := base.DetectFormat(src, src.Size())
		if err != nil {
			return err
		}
		d, err = open(f, src, cfg)
		return err
	})
	if err != nil {
		return err
	}
	defer base.Guard(path, d.Close)
	cols := make([]int, d.Schema().NumFields())
	for i := range cols {
		cols[i] = i
	}
	for u := 0; u < d.NumUnits(); u++ {
		err := base.Guard(path, func() error {
			return d.ReadUnit(ctx, u, cols, opts.BatchSize, emit)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// CheckRecord checks a decoded record is internally consistent (validate
// is ipcdec's validator of untrusted arrays), and reads every value (up to
// 10000 per column) so an out-of-bounds buffer panics here, in the test,
// rather than downstream.
func CheckRecord(rec arrow.Record, validate func(arrow.ArrayData) error) error {
	for i, col := range rec.Columns() {
		if int64(col.Len()) != rec.NumRows() {
			return errors.New("column length differs from the record's")
		}
		if err := validate(col.Data()); err != nil {
			return err
		}
		if !arrow.TypeEqual(col.DataType(), rec.Schema().Field(i).Type) {
			return errors.New("column type differs from the schema's")
		}
		for j := 0; j < min(col.Len(), 10000); j++ {
			_ = col.ValueStr(j)
		}
	}
	return nil
}

// HeapAllocs is the number of bytes the process has allocated on the heap
// so far: the difference over a call bounds the peak memory it used.
func HeapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// RowStrings is every row of rec as its values joined by spaces.
func RowStrings(rec arrow.Record) []string {
	out := make([]string, rec.NumRows())
	for i := range out {
		for c, col := range rec.Columns() {
			if c > 0 {
				out[i] += " "
			}
			out[i] += col.ValueStr(i)
		}
	}
	return out
}
