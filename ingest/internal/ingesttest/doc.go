// Package ingesttest holds what the tests of ingest and of its decoders
// (ingest/internal/parquetdec, ingest/internal/ipcdec) share: the shared
// data directory, a decode loop through base.Guard like ingest's, a record
// checker, Parquet fixtures, and the mutation engine and campaign of issue
// 14, whose format-specific halves (finding the integers of a seed worth
// corrupting) live in each decoder's tests. It is imported by tests only.
package ingesttest
