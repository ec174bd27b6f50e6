package base

// FileInfo describes one file as `refit inspect` shows it.
type FileInfo struct {
	Path      string            `json:"path"`
	Format    string            `json:"format"`
	Bytes     int64             `json:"bytes"`
	Rows      int64             `json:"rows"`  // -1 when unknown without reading
	Units     int               `json:"units"` // row groups, or record batches
	CreatedBy string            `json:"created_by,omitempty"`
	Columns   []ColumnInfo      `json:"columns"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	Warnings  []string          `json:"warnings,omitempty"`
}

// ColumnInfo describes one column of a file.
type ColumnInfo struct {
	Name string `json:"name"`
	// Arrow is the Arrow type the column decodes to, e.g. "timestamp[us]".
	Arrow    string `json:"arrow"`
	Nullable bool   `json:"nullable"`
	// Physical and Logical are the Parquet physical and logical types,
	// empty for Arrow IPC.
	Physical string `json:"physical,omitempty"`
	Logical  string `json:"logical,omitempty"`
	// Codecs and Encodings used by the column's chunks or buffers.
	Codecs    []string `json:"codecs,omitempty"`
	Encodings []string `json:"encodings,omitempty"`
	// CompressedBytes and UncompressedBytes are summed over row groups;
	// zero when unknown.
	CompressedBytes   int64 `json:"compressed_bytes,omitempty"`
	UncompressedBytes int64 `json:"uncompressed_bytes,omitempty"`
	NullCount         int64 `json:"null_count"` // -1 when unknown
}
