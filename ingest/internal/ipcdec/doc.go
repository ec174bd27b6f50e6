// Package ipcdec decodes Arrow IPC files (OpenFile) and streams
// (OpenStream) for package ingest, whose decoder interface both satisfy.
//
// Arrow IPC files and streams are decoded by arrow's ipc package, but only
// after ipcdec has walked their framing itself (file.go, stream.go): every
// footer, block, message length, buffer and compressed size is checked
// against the file size and Limits first, because arrow allocates whatever
// the metadata claims. Every flatbuffer table arrow reads is checked
// (meta.go, flatbuf.go), and every batch's nodes and buffers against its
// schema, offsets, children and decompressed sizes included (layout.go,
// body.go, check.go). Every record arrow returns is validated again
// (ValidateData, validate.go) before it leaves the decoder, and
// dictionaries are decoded to plain arrays (dict.go). Arrow allocates
// through a limit allocator that refuses any buffer beyond MaxPageBytes
// with a panic wrapping base.ErrAllocLimit; the caller runs every method
// through base.Guard, which turns it into a limit error.
//
// Errors about the file wrap the classes of package base, mostly as
// *base.FileError naming the batch and column. Records passed to emit are
// released by the decoder after emit returns.
package ipcdec
