// Package parquetdec decodes Parquet files (Open) for package ingest,
// whose decoder interface its Decoder satisfies.
//
// It runs its own page loop over parquet-go's thrift, encoding and format
// packages rather than parquet-go's reader, because parquet-go allocates
// whatever a file's metadata claims: every thrift length and list size is
// checked against the bytes left before parquet-go allocates it
// (thrift.go, footer.go), and every page and column chunk size against the
// file and base.Limits, compressed and decompressed (pages.go, codec.go).
// The footer is read when the file is opened (parquet.go) and its schema
// mapped to Arrow (schema.go, types.go); a row group is decoded a page and
// a batch at a time (pages.go, values.go, batch.go), into typed buffers
// that become Arrow arrays without a per-value interface call (arrow.go,
// convert.go).
//
// Errors about the file wrap the classes of package base, as
// *base.FileError naming the row group and column (and the page in the
// message). Records passed to emit are released by the decoder after emit
// returns.
package parquetdec
