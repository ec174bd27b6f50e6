package ingest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/parquet-go/parquet-go/format"
)

// parquetDecoder reads a Parquet file with its own page loop over
// parquet-go's thrift, encoding and format packages: every size a header
// claims is checked against Limits and the file before anything is
// allocated. Values are decoded a column chunk at a time into typed buffers
// that become Arrow arrays without a per-value interface call.
type parquetDecoder struct {
	src      source
	cfg      openConfig
	meta     format.FileMetaData
	leaves   []*pqLeaf
	cols     []*anode // top-level columns that convert, in schema order
	schema   *arrow.Schema
	warnings []string
	info     FileInfo
}

// openParquet reads and checks the footer of a Parquet file and maps its
// schema to Arrow. No data pages are read.
func openParquet(src source, cfg openConfig) (decoder, error) {
	d := &parquetDecoder{src: src, cfg: cfg}
	if err := d.readFooter(); err != nil {
		return nil, err
	}
	if err := d.checkEncryption(); err != nil {
		return nil, err
	}
	if err := d.buildSchema(); err != nil {
		return nil, err
	}
	if err := d.checkRowGroups(); err != nil {
		return nil, err
	}
	d.info = d.fileInfo()
	return d, nil
}

// readFooter reads the footer length and magic, refuses absurd lengths, and
// decodes the FileMetaData.
func (d *parquetDecoder) readFooter() error {
	size := d.src.Size()
	if size < 12 {
		return corruptf("parquet file of %d bytes is too short", size)
	}
	var tail [8]byte
	if _, err := d.src.ReadAt(tail[:], size-8); err != nil && err != io.EOF {
		return fmt.Errorf("reading footer length: %w", err)
	}
	switch string(tail[4:]) {
	case "PAR1":
	case "PARE":
		return fmt.Errorf("%w: encrypted parquet files are not supported", ErrUnsupported)
	default:
		return corruptf("bad parquet footer magic %q", tail[4:])
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > d.cfg.Limits.MaxMetadataBytes {
		return limitf("parquet footer of %d bytes exceeds the limit of %d", n, d.cfg.Limits.MaxMetadataBytes)
	}
	if n > size-12 {
		return limitf("parquet footer of %d bytes is larger than the file of %d bytes", n, size)
	}
	buf := make([]byte, n)
	if _, err := d.src.ReadAt(buf, size-8-n); err != nil && err != io.EOF {
		return fmt.Errorf("reading footer: %w", err)
	}
	if err := decodeFooter(buf, &d.meta); err != nil {
		return corruptf("decoding parquet footer: %v", err)
	}
	return nil
}

// checkEncryption refuses files with a signed plaintext footer or encrypted
// columns.
func (d *parquetDecoder) checkEncryption() error {
	if d.meta.EncryptionAlgorithm.Value != nil {
		return fmt.Errorf("%w: encrypted parquet files are not supported", ErrUnsupported)
	}
	for _, rg := range d.meta.RowGroups {
		for _, cc := range rg.Columns {
			if cc.CryptoMetadata.Value != nil || len(cc.EncryptedColumnMetadata) > 0 {
				return fmt.Errorf("%w: encrypted parquet files are not supported", ErrUnsupported)
			}
		}
	}
	return nil
}

// checkRowGroups checks that every row group has one chunk per leaf of the
// schema and a plausible row count.
func (d *parquetDecoder) checkRowGroups() error {
	for i, rg := range d.meta.RowGroups {
		if len(rg.Columns) != len(d.leaves) {
			return corruptf("row group %d has %d column chunks, schema has %d leaf columns", i, len(rg.Columns), len(d.leaves))
		}
		if rg.NumRows < 0 {
			return corruptf("row group %d has %d rows", i, rg.NumRows)
		}
		for j, cc := range rg.Columns {
			if cc.FilePath != "" {
				return fmt.Errorf("%w: column %q: column chunks in external files are not supported", ErrUnsupported, d.leaves[j].path)
			}
		}
	}
	return nil
}

func (d *parquetDecoder) Schema() *arrow.Schema { return d.schema }

func (d *parquetDecoder) NumRows() int64 {
	var n int64
	for _, rg := range d.meta.RowGroups {
		n += rg.NumRows
	}
	return n
}

func (d *parquetDecoder) NumUnits() int      { return len(d.meta.RowGroups) }
func (d *parquetDecoder) Info() FileInfo     { return d.info }
func (d *parquetDecoder) Warnings() []string { return d.warnings }
func (d *parquetDecoder) Close() error       { return nil }

// ReadUnit decodes row group i: the column chunks of the projected columns
// are read whole, decoded into Arrow arrays of the row group's length, and
// emitted as zero-copy slices of at most batchSize rows.
func (d *parquetDecoder) ReadUnit(ctx context.Context, i int, cols []int, batchSize int, emit func(arrow.Record) error) error {
	if i < 0 || i >= len(d.meta.RowGroups) {
		return fmt.Errorf("%w: row group %d out of range", ErrInvalidInput, i)
	}
	if batchSize <= 0 {
		batchSize = 65536
	}
	arrays, fields, err := d.decodeRowGroup(ctx, i, cols)
	defer pqReleaseArrays(arrays)
	if err != nil {
		return err
	}
	rows := d.meta.RowGroups[i].NumRows
	return emitSlices(ctx, arrow.NewSchema(fields, nil), arrays, rows, batchSize, emit)
}

// decodeRowGroup decodes the projected columns of row group i.
func (d *parquetDecoder) decodeRowGroup(ctx context.Context, i int, cols []int) ([]arrow.Array, []arrow.Field, error) {
	rows := d.meta.RowGroups[i].NumRows
	leafData := make(map[int]*leafData)
	arrays := make([]arrow.Array, 0, len(cols))
	fields := make([]arrow.Field, 0, len(cols))
	for _, c := range cols {
		if c < 0 || c >= len(d.cols) {
			return arrays, nil, fmt.Errorf("%w: column index %d out of range", ErrInvalidInput, c)
		}
		an := d.cols[c]
		for _, l := range an.leafIdx {
			if leafData[l] != nil {
				continue
			}
			if err := ctx.Err(); err != nil {
				return arrays, nil, err
			}
			ld, err := d.readLeaf(i, l)
			if err != nil {
				return arrays, nil, &FileError{Path: d.cfg.Path, RowGroup: i, Column: d.leaves[l].path, Err: err}
			}
			leafData[l] = ld
		}
		arr, err := buildColumn(an, leafData, rows)
		if err != nil {
			return arrays, nil, &FileError{Path: d.cfg.Path, RowGroup: i, Column: an.name, Err: err}
		}
		arrays = append(arrays, arr)
		fields = append(fields, d.schema.Field(c))
	}
	return arrays, fields, nil
}

// readLeaf reads and decodes the chunk of leaf l in row group i.
func (d *parquetDecoder) readLeaf(i, l int) (*leafData, error) {
	cc := &d.meta.RowGroups[i].Columns[l]
	buf, err := d.readChunkBytes(cc)
	if err != nil {
		return nil, err
	}
	cr := newChunkReader(d.leaves[l], &cc.MetaData, d.cfg.Limits, d.meta.RowGroups[i].NumRows)
	return cr.decode(buf)
}

// readChunkBytes reads the bytes of one column chunk after checking that
// they lie inside the file.
func (d *parquetDecoder) readChunkBytes(cc *format.ColumnChunk) ([]byte, error) {
	md := &cc.MetaData
	start := md.DataPageOffset
	// The chunk starts at its dictionary page, if any. A chunk without data
	// pages may have a data_page_offset of 0 (parquet-cpp writes that for
	// empty row groups).
	if md.DictionaryPageOffset > 0 && (md.DictionaryPageOffset < start || start == 0) {
		start = md.DictionaryPageOffset
	}
	size := md.TotalCompressedSize
	fsize := d.src.Size()
	if start < 4 || size < 0 || start > fsize || size > fsize-start {
		return nil, limitf("column chunk at offset %d of %d bytes lies outside the file of %d bytes", start, size, fsize)
	}
	buf := make([]byte, size)
	if _, err := d.src.ReadAt(buf, start); err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading column chunk: %w", err)
	}
	return buf, nil
}

// emitSlices emits arrays (each rows long) as records of at most batchSize
// rows, releasing each record after emit returns.
func emitSlices(ctx context.Context, schema *arrow.Schema, arrays []arrow.Array, rows int64, batchSize int, emit func(arrow.Record) error) error {
	for off := int64(0); off < rows; off += int64(batchSize) {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(off+int64(batchSize), rows)
		rec := sliceRecord(schema, arrays, off, end)
		err := emit(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func sliceRecord(schema *arrow.Schema, arrays []arrow.Array, off, end int64) arrow.Record {
	if off == 0 && len(arrays) > 0 && int64(arrays[0].Len()) == end {
		return array.NewRecord(schema, arrays, end)
	}
	cols := make([]arrow.Array, len(arrays))
	for j, a := range arrays {
		cols[j] = array.NewSlice(a, off, end)
	}
	rec := array.NewRecord(schema, cols, end-off)
	pqReleaseArrays(cols)
	return rec
}

func pqReleaseArrays(arrays []arrow.Array) {
	for _, a := range arrays {
		if a != nil {
			a.Release()
		}
	}
}
