package parquetdec

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// Decoder reads a Parquet file with its own page loop over
// parquet-go's thrift, encoding and format packages: every size a header
// claims is checked against Limits and the file before anything is
// allocated. Values are decoded a column chunk at a time into typed buffers
// that become Arrow arrays without a per-value interface call.
type Decoder struct {
	src      base.Source
	cfg      base.OpenConfig
	meta     format.FileMetaData
	leaves   []*pqLeaf
	cols     []*anode // top-level columns that convert, in schema order
	schema   *arrow.Schema
	warnings []string
	info     base.FileInfo
}

// Open reads and checks the footer of a Parquet file and maps its
// schema to Arrow. No data pages are read.
func Open(src base.Source, cfg base.OpenConfig) (*Decoder, error) {
	d := &Decoder{src: src, cfg: cfg}
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
func (d *Decoder) readFooter() error {
	size := d.src.Size()
	if size < 12 {
		return base.Corruptf("parquet file of %d bytes is too short", size)
	}
	var tail [8]byte
	if _, err := d.src.ReadAt(tail[:], size-8); err != nil && err != io.EOF {
		return fmt.Errorf("reading footer length: %w", err)
	}
	switch string(tail[4:]) {
	case "PAR1":
	case "PARE":
		return fmt.Errorf("%w: encrypted parquet files are not supported", base.ErrUnsupported)
	default:
		return base.Corruptf("bad parquet footer magic %q", tail[4:])
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > d.cfg.Limits.MaxMetadataBytes {
		return base.Limitf("parquet footer of %d bytes exceeds the limit of %d", n, d.cfg.Limits.MaxMetadataBytes)
	}
	if n > size-12 {
		return base.Limitf("parquet footer of %d bytes is larger than the file of %d bytes", n, size)
	}
	buf := make([]byte, n)
	if _, err := d.src.ReadAt(buf, size-8-n); err != nil && err != io.EOF {
		return fmt.Errorf("reading footer: %w", err)
	}
	if err := decodeFooter(buf, &d.meta); err != nil {
		if errors.Is(err, base.ErrCorrupt) {
			return err
		}
		return base.Corruptf("decoding parquet footer: %v", err)
	}
	return nil
}

// checkEncryption refuses files with a signed plaintext footer or encrypted
// columns.
func (d *Decoder) checkEncryption() error {
	if d.meta.EncryptionAlgorithm.Value != nil {
		return fmt.Errorf("%w: encrypted parquet files are not supported", base.ErrUnsupported)
	}
	for _, rg := range d.meta.RowGroups {
		for _, cc := range rg.Columns {
			if cc.CryptoMetadata.Value != nil || len(cc.EncryptedColumnMetadata) > 0 {
				return fmt.Errorf("%w: encrypted parquet files are not supported", base.ErrUnsupported)
			}
		}
	}
	return nil
}

// checkRowGroups checks that every row group has one chunk per leaf of the
// schema and a plausible row count.
func (d *Decoder) checkRowGroups() error {
	for i, rg := range d.meta.RowGroups {
		if len(rg.Columns) != len(d.leaves) {
			return base.Corruptf("row group %d has %d column chunks, schema has %d leaf columns", i, len(rg.Columns), len(d.leaves))
		}
		if rg.NumRows < 0 {
			return base.Corruptf("row group %d has %d rows", i, rg.NumRows)
		}
		for j, cc := range rg.Columns {
			if cc.FilePath != "" {
				return fmt.Errorf("%w: column %q: column chunks in external files are not supported", base.ErrUnsupported, d.leaves[j].path)
			}
		}
	}
	return nil
}

// Schema is the Arrow schema of the top-level columns that convert; the
// others are listed by Warnings.
func (d *Decoder) Schema() *arrow.Schema { return d.schema }

// NumRows is the sum of the row counts of the row groups.
func (d *Decoder) NumRows() int64 {
	var n int64
	for _, rg := range d.meta.RowGroups {
		n += rg.NumRows
	}
	return n
}

// NumUnits is the number of row groups.
func (d *Decoder) NumUnits() int { return len(d.meta.RowGroups) }

// Info describes the file for `refit inspect`, from the footer.
func (d *Decoder) Info() base.FileInfo { return d.info }

// Warnings names the columns left out of Schema, one line each.
func (d *Decoder) Warnings() []string { return d.warnings }

// Close does nothing: the decoder holds no resources besides the source,
// which the caller owns.
func (d *Decoder) Close() error { return nil }

// ReadUnit decodes row group i a batch at a time: for each batch of at most
// batchSize rows, it decodes the pages of the projected columns that hold
// them, and no more, and emits their rows. Memory is bounded by a page and
// a batch per column, not by the size of the row group.
func (d *Decoder) ReadUnit(ctx context.Context, i int, cols []int, batchSize int, emit func(arrow.Record) error) error {
	if i < 0 || i >= len(d.meta.RowGroups) {
		return fmt.Errorf("%w: row group %d out of range", base.ErrInvalidInput, i)
	}
	if batchSize <= 0 {
		batchSize = 65536
	}
	r, err := d.rowGroup(i, cols)
	if err != nil {
		return err
	}
	for done := int64(0); done < r.rows; {
		if err := ctx.Err(); err != nil {
			return err
		}
		k := min(int64(batchSize), r.rows-done)
		rec, err := r.batch(k)
		if err != nil {
			return err
		}
		err = emit(rec)
		rec.Release()
		if err != nil {
			return err
		}
		done += k
	}
	return r.finish()
}

// rowGroupReader decodes the projected columns of one row group.
type rowGroupReader struct {
	d      *Decoder
	rg     int
	rows   int64
	cols   []*anode
	schema *arrow.Schema
	leaves []int                // the leaves the columns need, in order
	chunks map[int]*chunkReader // by leaf
}

// rowGroup prepares to read columns cols of row group i.
func (d *Decoder) rowGroup(i int, cols []int) (*rowGroupReader, error) {
	rg := &d.meta.RowGroups[i]
	r := &rowGroupReader{d: d, rg: i, rows: rg.NumRows, chunks: map[int]*chunkReader{}}
	fields := make([]arrow.Field, 0, len(cols))
	for _, c := range cols {
		if c < 0 || c >= len(d.cols) {
			return nil, fmt.Errorf("%w: column index %d out of range", base.ErrInvalidInput, c)
		}
		an := d.cols[c]
		r.cols = append(r.cols, an)
		fields = append(fields, d.schema.Field(c))
		for _, l := range an.leafIdx {
			if r.chunks[l] != nil {
				continue
			}
			cc := &rg.Columns[l]
			start, end, err := d.chunkRange(cc)
			if err != nil {
				return nil, &base.FileError{Path: d.cfg.Path, RowGroup: i, Column: d.leaves[l].path, Err: err}
			}
			r.chunks[l] = newChunkReader(d.leaves[l], &cc.MetaData, d.cfg.Limits, rg.NumRows, d.src, start, end)
			r.leaves = append(r.leaves, l)
		}
	}
	r.schema = arrow.NewSchema(fields, nil)
	return r, nil
}

// chunkRange returns where the bytes of a column chunk start and end after
// checking that they lie inside the file.
func (d *Decoder) chunkRange(cc *format.ColumnChunk) (int64, int64, error) {
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
		return 0, 0, base.Limitf("column chunk at offset %d of %d bytes lies outside the file of %d bytes", start, size, fsize)
	}
	return start, start + size, nil
}

// batch decodes the next k rows of every projected column.
func (r *rowGroupReader) batch(k int64) (arrow.Record, error) {
	heads := make(map[int]*leafData, len(r.leaves))
	for _, l := range r.leaves {
		c := r.chunks[l]
		if err := c.fill(k); err != nil {
			return nil, r.leafErr(l, err)
		}
		if got := c.avail(); got < k {
			return nil, r.leafErr(l, base.Corruptf("column chunk ends after %d rows, row group has %d", c.started-c.starts+got, r.rows))
		}
		heads[l] = c.take(k)
	}
	arrays := make([]arrow.Array, 0, len(r.cols))
	defer func() { pqReleaseArrays(arrays) }()
	for _, an := range r.cols {
		arr, err := buildColumn(an, heads, k)
		if err != nil {
			return nil, &base.FileError{Path: r.d.cfg.Path, RowGroup: r.rg, Column: an.name, Err: err}
		}
		arrays = append(arrays, arr)
	}
	return array.NewRecord(r.schema, arrays, k), nil
}

// finish reads what is left of every chunk: nothing but pages without rows
// may follow the row group's last row.
func (r *rowGroupReader) finish() error {
	for _, l := range r.leaves {
		c := r.chunks[l]
		if err := c.fill(1); err != nil {
			return r.leafErr(l, err)
		}
		if c.out.n > 0 {
			return r.leafErr(l, base.Corruptf("column chunk has more rows than the row group's %d", r.rows))
		}
	}
	return nil
}

func (r *rowGroupReader) leafErr(l int, err error) error {
	return &base.FileError{Path: r.d.cfg.Path, RowGroup: r.rg, Column: r.d.leaves[l].path, Err: err}
}

func pqReleaseArrays(arrays []arrow.Array) {
	for _, a := range arrays {
		if a != nil {
			a.Release()
		}
	}
}
