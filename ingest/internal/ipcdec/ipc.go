package ipcdec

import (
	"context"
	"fmt"
	"sort"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// ipcCommon is what the file and stream decoders share.
type ipcCommon struct {
	path     string
	format   base.Format
	size     int64
	mem      memory.Allocator // a limitAllocator
	lim      base.Limits
	schema   *arrow.Schema // with dictionaries decoded
	rows     int64
	units    int
	codec    string
	warnings []string
}

// Schema is the file's schema with dictionary columns decoded to their
// value types.
func (d *ipcCommon) Schema() *arrow.Schema { return d.schema }

// NumRows is the number of rows, or -1 for a stream.
func (d *ipcCommon) NumRows() int64 { return d.rows }

// NumUnits is the number of record batches of a file, 1 for a stream.
func (d *ipcCommon) NumUnits() int { return d.units }

// Warnings names the dictionary columns decoded to plain arrays.
func (d *ipcCommon) Warnings() []string { return d.warnings }

// Info describes the file. IPC has no per-column statistics: null counts
// are -1 and sizes zero.
func (d *ipcCommon) Info() base.FileInfo {
	info := base.FileInfo{
		Path:     d.path,
		Format:   d.format.String(),
		Bytes:    d.size,
		Rows:     d.rows,
		Units:    d.units,
		Warnings: d.warnings,
	}
	for _, f := range d.schema.Fields() {
		c := base.ColumnInfo{Name: f.Name, Arrow: f.Type.String(), Nullable: f.Nullable, NullCount: -1}
		if d.codec != "" {
			c.Codecs = []string{d.codec}
		}
		info.Columns = append(info.Columns, c)
	}
	md := d.schema.Metadata()
	if md.Len() > 0 {
		info.Metadata = make(map[string]string, md.Len())
		for i, k := range md.Keys() {
			info.Metadata[k] = md.Values()[i]
		}
	}
	return info
}

// noteCodec records the compression codec of one batch for Info.
func (d *ipcCommon) noteCodec(codec int) {
	if codec >= 0 && d.codec == "" {
		d.codec = codecNames[codec]
	}
}

// setSchema takes arrow's schema of the file, decoding dictionaries.
func (d *ipcCommon) setSchema(s *arrow.Schema) error {
	for _, f := range s.Fields() {
		if err := checkType(f.Type, 0); err != nil {
			return &base.FileError{Path: d.path, RowGroup: -1, Column: f.Name, Err: err}
		}
	}
	d.schema, d.warnings = plainSchema(s)
	sort.Strings(d.warnings)
	return nil
}

// checkType refuses types whose values cannot be read back safely: a time
// zone this machine does not know (arrow's ValueStr would panic), negative
// widths.
func checkType(dt arrow.DataType, depth int) error {
	if depth > maxNesting {
		return base.Corruptf("types nested deeper than %d", maxNesting)
	}
	switch t := dt.(type) {
	case *arrow.TimestampType:
		if _, err := t.GetZone(); err != nil {
			return fmt.Errorf("%w: timestamp time zone %q: %w", base.ErrUnsupported, t.TimeZone, err)
		}
	case *arrow.FixedSizeListType:
		if t.Len() < 0 {
			return base.Corruptf("fixed-size list of %d values", t.Len())
		}
	case *arrow.FixedSizeBinaryType:
		if t.ByteWidth < 0 {
			return base.Corruptf("fixed-size binary of %d bytes", t.ByteWidth)
		}
	case *arrow.DictionaryType:
		return checkType(t.ValueType, depth+1)
	case arrow.ExtensionType:
		return checkType(t.StorageType(), depth+1)
	}
	if nt, ok := dt.(arrow.NestedType); ok {
		for _, f := range nt.Fields() {
			if err := checkType(f.Type, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// emitRecord projects rec (as read by arrow, still dictionary-encoded) onto
// cols, validating and decoding each kept column, and emits it in slices of
// at most batchSize rows. The caller keeps ownership of rec. Errors about
// the data name batch; errors from emit and ctx are returned as they are.
func (d *ipcCommon) emitRecord(ctx context.Context, rec arrow.Record, batch int, cols []int, batchSize int, emit func(arrow.Record) error) error {
	out, err := d.project(ctx, rec, cols)
	if err != nil {
		return batchErr(d.path, batch, err)
	}
	defer out.Release()
	if batchSize <= 0 {
		batchSize = 65536
	}
	n := out.NumRows()
	if n <= int64(batchSize) {
		return emit(out)
	}
	for off := int64(0); off < n; off += int64(batchSize) {
		if err := ctx.Err(); err != nil {
			return err
		}
		s := out.NewSlice(off, min(off+int64(batchSize), n))
		err := emit(s)
		s.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// project builds the record of columns cols of rec, each validated and with
// dictionaries decoded.
func (d *ipcCommon) project(ctx context.Context, rec arrow.Record, cols []int) (arrow.Record, error) {
	if int(rec.NumCols()) != d.schema.NumFields() {
		return nil, base.Corruptf("record batch of %d columns, schema has %d", rec.NumCols(), d.schema.NumFields())
	}
	fields := make([]arrow.Field, 0, len(cols))
	arrs := make([]arrow.Array, 0, len(cols))
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	ctx = compute.WithAllocator(ctx, d.mem)
	for _, c := range cols {
		if c < 0 || c >= d.schema.NumFields() {
			return nil, fmt.Errorf("%w: column index %d of %d", base.ErrInvalidInput, c, d.schema.NumFields())
		}
		a, err := d.column(ctx, rec, c)
		if err != nil {
			return nil, err
		}
		arrs = append(arrs, a)
		fields = append(fields, d.schema.Field(c))
	}
	md := d.schema.Metadata()
	return array.NewRecord(arrow.NewSchema(fields, &md), arrs, rec.NumRows()), nil
}

// column validates and decodes column c of rec; the caller releases it.
func (d *ipcCommon) column(ctx context.Context, rec arrow.Record, c int) (arrow.Array, error) {
	col := rec.Column(c)
	name := d.schema.Field(c).Name
	if int64(col.Len()) != rec.NumRows() {
		return nil, &base.FileError{Path: d.path, RowGroup: -1, Column: name,
			Err: base.Corruptf("%d values in a batch of %d rows", col.Len(), rec.NumRows())}
	}
	if err := validateData(col.Data(), 0); err != nil {
		return nil, &base.FileError{Path: d.path, RowGroup: -1, Column: name, Err: err}
	}
	a, err := plainArray(ctx, col, d.lim)
	if err != nil {
		return nil, &base.FileError{Path: d.path, RowGroup: -1, Column: name, Err: fmt.Errorf("%w: %w", base.ErrCorrupt, err)}
	}
	return a, nil
}

// batchErr names batch i in err unless err already names one.
func batchErr(path string, i int, err error) error {
	if fe, ok := err.(*base.FileError); ok {
		if fe.RowGroup < 0 {
			fe.RowGroup = i
		}
		return fe
	}
	return &base.FileError{Path: path, RowGroup: i, Err: err}
}

// limitAllocator refuses any one allocation larger than MaxPageBytes.
// arrow allocates what IPC metadata claims; ingest checks every claim
// first, and this is the safety net behind those checks: a claim that
// slipped past them becomes a limit error (a panic with base.ErrAllocLimit that
// base.Guard recovers) instead of the process running out of memory.
type limitAllocator struct {
	memory.Allocator
	max int64
}

func newLimitAllocator(mem memory.Allocator, lim base.Limits) limitAllocator {
	return limitAllocator{Allocator: mem, max: lim.MaxPageBytes + 64}
}

func (a limitAllocator) check(n int) {
	if int64(n) > a.max {
		panic(fmt.Errorf("%w: %w: arrow asked for %s, beyond the limit of %s", base.ErrLimit, base.ErrAllocLimit, base.ByteSize(int64(n)), base.ByteSize(a.max)))
	}
}

func (a limitAllocator) Allocate(n int) []byte {
	a.check(n)
	return a.Allocator.Allocate(n)
}

func (a limitAllocator) Reallocate(n int, b []byte) []byte {
	a.check(n)
	return a.Allocator.Reallocate(n, b)
}
