package ingest

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// decoder reads one file. Implementations wrap third-party code that may
// panic on malformed bytes; every call to a decoder method goes through guard.
//
// ReadUnit may be called concurrently for different units.
type decoder interface {
	// Schema is the Arrow schema of the columns the decoder reads. Columns
	// it cannot convert are left out and reported by Warnings.
	Schema() *arrow.Schema
	// NumRows is the number of rows, or -1 when unknown before reading (an
	// IPC stream).
	NumRows() int64
	// NumUnits is the number of independently decodable parts: row groups
	// of a Parquet file, record batches of an IPC file, 1 for a stream.
	NumUnits() int
	// ReadUnit decodes unit i, keeping the columns cols (indices into
	// Schema(), in that order), and calls emit with records of at most
	// batchSize rows. The decoder releases each record after emit returns.
	ReadUnit(ctx context.Context, i int, cols []int, batchSize int, emit func(arrow.Record) error) error
	// Info describes the file for `refit inspect`.
	Info() FileInfo
	// Warnings lists what was skipped, e.g. a nested column that has no
	// Arrow equivalent, one line each naming the column.
	Warnings() []string
	Close() error
}

// openDecoder opens a decoder of format f over src. It is called through
// guard.
func openDecoder(f Format, src base.Source, cfg base.OpenConfig) (decoder, error) {
	switch f {
	case FormatParquet:
		return openParquet(src, cfg)
	case FormatArrowFile:
		return openIPCFile(src, cfg)
	case FormatArrowStream:
		return openIPCStream(src, cfg)
	}
	return nil, fmt.Errorf("%w: unknown format", ErrInvalidInput)
}

// bytesSource is a source over a byte slice.
type bytesSource struct{ b []byte }

func (s bytesSource) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset %d", off)
	}
	if off >= int64(len(s.b)) {
		return 0, io.EOF
	}
	n := copy(p, s.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (s bytesSource) Size() int64 { return int64(len(s.b)) }

// decodeAll detects the format of src, opens it and decodes every unit in
// order, projecting nothing, calling emit for each record. It is the path
// the fuzz targets and conformance tests drive: everything untrusted goes
// through guard.
func decodeAll(ctx context.Context, path string, src base.Source, opts Options, emit func(arrow.Record) error) error {
	opts = opts.withDefaults()
	var d decoder
	err := base.Guard(path, func() error {
		f, err := DetectFormat(src, src.Size())
		if err != nil {
			return err
		}
		d, err = openDecoder(f, src, base.OpenConfig{Path: path, Limits: opts.Limits, Mem: opts.Mem})
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
