package ingest

import (
	"io"

	"github.com/refit-ml/refit/ingest/internal/base"
)

// Format is a file format that ingest reads.
type Format = base.Format

// The formats, detected by magic bytes.
const (
	FormatUnknown     = base.FormatUnknown
	FormatParquet     = base.FormatParquet
	FormatArrowFile   = base.FormatArrowFile
	FormatArrowStream = base.FormatArrowStream
)

// DetectFormat tells the format of the size bytes readable from r by their
// magic bytes. It returns an error wrapping ErrInvalidInput when the bytes are
// none of the formats, and ErrCorrupt when they start like one but are too
// short to be it.
func DetectFormat(r io.ReaderAt, size int64) (Format, error) {
	return base.DetectFormat(r, size)
}
