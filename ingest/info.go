package ingest

import "github.com/refit-ml/refit/ingest/internal/base"

// FileInfo describes one file as `refit inspect` shows it: its path,
// format, size, rows (-1 when unknown without reading), units (row groups
// or record batches), writer, columns, key-value metadata and warnings.
type FileInfo = base.FileInfo

// ColumnInfo describes one column of a file: its name, the Arrow type it
// decodes to, the Parquet physical and logical types (empty for Arrow
// IPC), codecs, encodings, sizes and null count (-1 when unknown).
type ColumnInfo = base.ColumnInfo
