package ipcdec

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// decoder is ingest's decoder interface, which both decoders satisfy.
type decoder interface {
	Schema() *arrow.Schema
	NumRows() int64
	NumUnits() int
	ReadUnit(ctx context.Context, i int, cols []int, batchSize int, emit func(arrow.Record) error) error
	Info() base.FileInfo
	Warnings() []string
	Close() error
}

var (
	_ decoder = (*FileDecoder)(nil)
	_ decoder = (*StreamDecoder)(nil)
)

// openIPC opens the formats this package reads, as ingest's openDecoder.
func openIPC(f base.Format, src base.Source, cfg base.OpenConfig) (ingesttest.Decoder, error) {
	switch f {
	case base.FormatArrowFile:
		d, err := OpenFile(src, cfg)
		if err != nil {
			return nil, err
		}
		return d, nil
	case base.FormatArrowStream:
		d, err := OpenStream(src, cfg)
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("%w: unknown format", base.ErrInvalidInput)
}

// checker decodes and checks untrusted IPC bytes for the fuzz and
// mutation tests.
var checker = ingesttest.Checker{Open: openIPC, Validate: ValidateData}

// decodeAll decodes every unit of src through base.Guard.
func decodeAll(ctx context.Context, path string, src base.Source, opts ingesttest.Options, emit func(arrow.Record) error) error {
	return ingesttest.DecodeAll(ctx, path, src, opts, openIPC, emit)
}

// checkRecord checks a decoded record; see ingesttest.CheckRecord.
func checkRecord(rec arrow.Record) error { return ingesttest.CheckRecord(rec, ValidateData) }

// fuzzDecode decodes data and fails on a bad outcome; see
// ingesttest.Checker.Fuzz.
func fuzzDecode(t *testing.T, data []byte) { checker.Fuzz(t, data) }
