package ingest

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ipcdec"
	"github.com/refit-ml/refit/ingest/internal/parquetdec"
)

// decoder reads one file. Implementations wrap third-party code that may
// panic on malformed bytes; every call to a decoder method goes through
// base.Guard.
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
// base.Guard.
func openDecoder(f Format, src base.Source, cfg base.OpenConfig) (decoder, error) {
	switch f {
	case FormatParquet:
		d, err := parquetdec.Open(src, cfg)
		if err != nil {
			return nil, err
		}
		return d, nil
	case FormatArrowFile:
		d, err := ipcdec.OpenFile(src, cfg)
		if err != nil {
			return nil, err
		}
		return d, nil
	case FormatArrowStream:
		d, err := ipcdec.OpenStream(src, cfg)
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("%w: unknown format", ErrInvalidInput)
}

var (
	_ decoder = (*parquetdec.Decoder)(nil)
	_ decoder = (*ipcdec.FileDecoder)(nil)
	_ decoder = (*ipcdec.StreamDecoder)(nil)
)
