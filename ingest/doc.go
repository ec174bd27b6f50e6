// Package ingest finds Parquet and Arrow IPC files and decodes them into a
// stream of arrow.Record batches with one schema.
//
// # Sources
//
// A source is a file, a directory (read recursively) or a glob, where "**"
// matches any number of directories. Directories named key=value (Hive-style
// partitions) below a source's root become columns. The format of every file
// is detected from its magic bytes, never from its name: Parquet ("PAR1"),
// Arrow IPC file ("ARROW1") or Arrow IPC stream (a continuation marker and a
// schema message). Anything else is an error naming the file.
//
// # Records and ownership
//
// [Dataset.Scan] calls a function for every decoded record from up to
// [Options.Parallelism] goroutines at once; [Dataset.Records] yields records
// in file order; [Dataset.Head] yields the first n rows, decoding only the
// pages they need. In every case the record is owned by ingest and is valid
// only until the callback returns (or the iteration continues): callers
// that keep it call Retain and later Release. Memory is bounded by the
// batches in flight, never by the size of a file: a Parquet row group is
// decoded a page and a batch at a time, so what one column holds is at most
// a page and a batch.
//
// # Errors
//
// Errors about a file are *[FileError] values that name the file (and where
// known the row group and column, and the page) and wrap one of
// [ErrCorrupt], [ErrUnsupported] or [ErrInvalidInput]; test them with
// errors.Is.
//
// # Hostile files
//
// The third-party decoders (arrow's IPC reader and array constructors,
// parquet-go's thrift decoder and encodings) panic or allocate whatever the
// metadata claims when given malformed bytes, so ingest hands them only
// bytes it has checked: every thrift length and list size against the bytes
// left before parquet-go allocates it (parquetdec's thrift.go), every
// flatbuffer table arrow reads (ipcdec's meta.go), every IPC batch's nodes
// and buffers against its schema, offsets, children and decompressed sizes
// included (ipcdec's layout.go, body.go), every page and message size
// against the file and [Limits]. A file that claims absurd sizes (a page,
// footer or message of gigabytes, or a page that decompresses thousands of
// times its size, see MaxRatio in [Limits]) is refused before anything is
// allocated, with an error wrapping [ErrLimit]. What a check still misses
// stays contained: one guard per file turns a panic into an [ErrCorrupt]
// error naming the file ("decoder panicked"), and arrow allocates through
// an allocator that refuses any buffer beyond MaxPageBytes. Neither is the
// mechanism: the mutation tests of both decoders fail on either.
//
// # Layout
//
// Package ingest holds the API: discovery of sources and Hive partitions
// (discover.go, select.go), options, opening a dataset and unifying the
// schemas of its files (dataset.go, schema.go, unify.go), scanning and
// reading parts (scan.go, part.go) and fingerprints. It reads every file
// through its decoder interface (decoder.go), implemented by two internal
// packages:
//
//   - ingest/internal/parquetdec decodes Parquet with its own page loop over
//     parquet-go's thrift, encoding and format packages;
//   - ingest/internal/ipcdec decodes Arrow IPC files and streams with arrow's
//     ipc package, after walking and checking their framing itself.
//
// What the three share lives in ingest/internal/base: the error classes
// and [FileError], [Limits], [Format] and [DetectFormat], [FileInfo], the
// source a decoder reads and base.Guard, the one recovery point. Package
// ingest re-exports the public ones as aliases. The decoders' tests
// (conformance corpora, hostile files, fuzz targets with their corpora
// under each package's testdata/fuzz, and the mutation campaign) live
// with each decoder, over the shared helpers of ingest/internal/ingesttest.
package ingest
