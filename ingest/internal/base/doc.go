// Package base holds what ingest and its decoders (ingest/internal/parquetdec,
// ingest/internal/ipcdec) share: the error classes and *FileError, Limits,
// the Format detected from magic bytes, FileInfo, the Source a decoder
// reads and the OpenConfig it is opened with, and Guard, the one place a
// decoder's panic is recovered. Package ingest re-exports the public names
// (ErrCorrupt, FileError, Limits, Format, FileInfo, ...) as aliases, so
// values cross the packages unchanged and errors.Is works across them.
package base
