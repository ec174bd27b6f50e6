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
// in file order. In both cases the record is owned by ingest and is valid only
// until the callback returns (or the iteration continues): callers that keep
// it call Retain and later Release. Memory is bounded by the batches in
// flight, never by the size of a file.
//
// # Errors
//
// Errors about a file are *[FileError] values that name the file (and where
// known the row group and column) and wrap one of [ErrCorrupt],
// [ErrUnsupported] or [ErrInvalidInput]; test them with errors.Is. The
// third-party decoders may panic on malformed bytes: every call into them
// goes through one guard that turns a panic into an [ErrCorrupt] error naming
// the file. Files that claim absurd sizes (a page, footer or message of
// gigabytes) are refused before anything is allocated; see [Limits].
package ingest
