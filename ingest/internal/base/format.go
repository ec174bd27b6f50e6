package base

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// Format is a file format that ingest reads.
type Format int

// The formats, detected by magic bytes.
const (
	FormatUnknown Format = iota
	FormatParquet
	FormatArrowFile
	FormatArrowStream
)

func (f Format) String() string {
	switch f {
	case FormatParquet:
		return "parquet"
	case FormatArrowFile:
		return "arrow-file"
	case FormatArrowStream:
		return "arrow-stream"
	}
	return "unknown"
}

var (
	ParquetMagic = []byte("PAR1")
	ArrowMagic   = []byte("ARROW1")
)

// DetectFormat tells the format of the size bytes readable from r by their
// magic bytes. It returns an error wrapping ErrInvalidInput when the bytes are
// none of the formats, and ErrCorrupt when they start like one but are too
// short to be it.
func DetectFormat(r io.ReaderAt, size int64) (Format, error) {
	head := make([]byte, 8)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return FormatUnknown, fmt.Errorf("reading header: %w", err)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, ParquetMagic), bytes.HasPrefix(head, []byte("PARE")):
		// PARE: a Parquet file with an encrypted footer; the decoder
		// refuses it as ErrUnsupported.
		if size < 12 {
			return FormatParquet, Corruptf("parquet file of %d bytes is too short", size)
		}
		return FormatParquet, nil
	case bytes.HasPrefix(head, ArrowMagic):
		if size < 12 {
			return FormatArrowFile, Corruptf("arrow file of %d bytes is too short", size)
		}
		return FormatArrowFile, nil
	case isStreamStart(head):
		return FormatArrowStream, nil
	}
	if size == 0 {
		return FormatUnknown, fmt.Errorf("%w: empty file", ErrInvalidInput)
	}
	return FormatUnknown, fmt.Errorf("%w: not a Parquet or Arrow IPC file (first bytes %q)", ErrInvalidInput, head)
}

// isStreamStart reports whether head starts an Arrow IPC stream: a
// continuation marker 0xFFFFFFFF and a positive metadata length, or (the
// pre-0.15 format) a positive metadata length directly. The legacy form is
// only accepted with a plausible flatbuffer length to avoid claiming random
// files.
func isStreamStart(head []byte) bool {
	if len(head) < 8 {
		return false
	}
	first := binary.LittleEndian.Uint32(head[:4])
	if first == 0xFFFFFFFF {
		n := int32(binary.LittleEndian.Uint32(head[4:8]))
		return n > 0
	}
	// Legacy: the length, then the flatbuffer's root offset, which points
	// 4-aligned inside the metadata.
	root := binary.LittleEndian.Uint32(head[4:8])
	return first >= 8 && first < 1<<24 && root >= 4 && root < first && root%4 == 0
}
