package ipcdec

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// FileDecoder reads an Arrow IPC file: one unit per record batch.
type FileDecoder struct {
	ipcCommon
	mu      sync.Mutex // guards fr: arrow's FileReader is not safe for concurrent use
	fr      *ipc.FileReader
	layouts ipcLayouts // of the footer's schema
	src     base.Source
	batches []ipcBlock // the record batch blocks
}

// ipcBlock is one entry of an IPC file footer.
type ipcBlock struct {
	off  int64
	meta int64
	body int64
	dict bool
}

// The trailer of an IPC file: int32 footer length, then "ARROW1".
const ipcTrailer = 4 + 6

// OpenFile checks the footer and every block of an Arrow IPC file, then
// opens it with arrow's FileReader, which loads the dictionaries.
func OpenFile(src base.Source, cfg base.OpenConfig) (*FileDecoder, error) {
	mem := newLimitAllocator(cfg.Mem, cfg.Limits)
	d := &FileDecoder{ipcCommon: ipcCommon{path: cfg.Path, format: base.FormatArrowFile, size: src.Size(), mem: mem, lim: cfg.Limits}, src: src}
	blocks, err := d.checkFooter(src, cfg.Limits)
	if err != nil {
		return nil, err
	}
	if err := d.checkBlocks(src, blocks, cfg.Limits); err != nil {
		return nil, err
	}
	fr, err := ipc.NewFileReader(io.NewSectionReader(src, 0, src.Size()), ipc.WithAllocator(mem))
	if err != nil {
		return nil, fmt.Errorf("%w: opening arrow file: %w", base.ErrCorrupt, err)
	}
	if fr.NumRecords() != d.units {
		fr.Close()
		return nil, base.Corruptf("arrow reads %d record batches, footer lists %d", fr.NumRecords(), d.units)
	}
	d.fr = fr
	if err := d.setSchema(fr.Schema()); err != nil {
		fr.Close()
		return nil, err
	}
	return d, nil
}

// checkFooter reads and checks the footer and its schema, returning the
// blocks it lists.
func (d *FileDecoder) checkFooter(src base.Source, lim base.Limits) ([]ipcBlock, error) {
	size := src.Size()
	if size < int64(len(base.ArrowMagic))+2+ipcTrailer {
		return nil, base.Corruptf("arrow file of %d bytes is too short", size)
	}
	var trailer [ipcTrailer]byte
	if _, err := src.ReadAt(trailer[:], size-ipcTrailer); err != nil {
		return nil, fmt.Errorf("reading footer: %w", err)
	}
	if string(trailer[4:]) != string(base.ArrowMagic) {
		return nil, base.Corruptf("arrow file does not end with %q", base.ArrowMagic)
	}
	n := int64(int32(binary.LittleEndian.Uint32(trailer[:4])))
	if n <= 0 || n > size-ipcTrailer-8 {
		return nil, base.Corruptf("footer of %d bytes in a file of %d", n, size)
	}
	if n > lim.MaxMetadataBytes {
		return nil, base.Limitf("footer of %d bytes", n)
	}
	buf := make([]byte, n)
	if _, err := src.ReadAt(buf, size-ipcTrailer-n); err != nil {
		return nil, fmt.Errorf("reading footer: %w", err)
	}
	blocks, err := d.parseFooter(buf, lim)
	if err != nil {
		return nil, fmt.Errorf("reading footer: %w", err)
	}
	return blocks, checkBlockPlaces(blocks, size-ipcTrailer-n, lim)
}

// parseFooter returns the dictionary then record batch blocks of a Footer
// flatbuffer, after checking its schema and noting its layouts.
func (d *FileDecoder) parseFooter(buf []byte, lim base.Limits) ([]ipcBlock, error) {
	root, err := fbRoot(buf)
	if err != nil {
		return nil, err
	}
	if err := checkTable(root, fbFooterSlots...); err != nil {
		return nil, err
	}
	schema, ok, err := root.tableField(1)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, base.Corruptf("footer without schema")
	}
	if d.layouts, err = checkSchema(schema, lim); err != nil {
		return nil, err
	}
	var blocks []ipcBlock
	for _, f := range []int{2, 3} {
		v, err := root.vectorField(f, 24)
		if err != nil {
			return nil, err
		}
		for k := 0; k < v.n; k++ {
			blocks = append(blocks, ipcBlock{off: v.int64At(k, 0), meta: int64(v.int32At(k, 8)), body: v.int64At(k, 16), dict: f == 2})
		}
	}
	return blocks, nil
}

// checkBlockPlaces checks every block is aligned, within limits, inside the
// bytes before the footer and overlapping no other block, so that checking
// them all reads each byte at most once.
func checkBlockPlaces(blocks []ipcBlock, end int64, lim base.Limits) error {
	for _, b := range blocks {
		switch {
		case b.off%8 != 0 || b.meta%8 != 0 || b.body%8 != 0:
			return base.Corruptf("block at %d not aligned to 8 bytes", b.off)
		case b.off < 8 || b.meta < 8 || b.body < 0:
			return base.Corruptf("block at %d with %d metadata and %d body bytes", b.off, b.meta, b.body)
		case b.meta > lim.MaxMetadataBytes:
			return base.Limitf("message metadata of %d bytes", b.meta)
		case b.body > lim.MaxPageBytes:
			return base.Limitf("message body of %d bytes", b.body)
		case b.off > end || b.meta+b.body > end-b.off:
			return base.Corruptf("block at %d of %d bytes beyond the data end %d", b.off, b.meta+b.body, end)
		}
	}
	sorted := slices.Clone(blocks)
	slices.SortFunc(sorted, func(a, b ipcBlock) int { return int(min(max(a.off-b.off, -1), 1)) })
	for k := 1; k < len(sorted); k++ {
		if p := sorted[k-1]; p.off+p.meta+p.body > sorted[k].off {
			return base.Corruptf("blocks at %d and %d overlap", p.off, sorted[k].off)
		}
	}
	return nil
}

// checkBlocks reads the message of every block and checks it against its
// body, counting rows and batches. The bodies of dictionaries, which arrow
// reads when the file is opened, are checked now; those of record batches
// when they are read.
func (d *FileDecoder) checkBlocks(src base.Source, blocks []ipcBlock, lim base.Limits) error {
	var dictBytes, batchBytes int64
	dicts := dictTally{layouts: d.layouts}
	for i, b := range blocks {
		st, err := checkBlock(src, b, d.layouts, lim)
		if err == nil && b.dict {
			err = checkBlockBody(src, b, d.layouts, lim)
		}
		if err == nil && !b.dict {
			err = dicts.batch()
		}
		if err != nil {
			return fmt.Errorf("block %d at offset %d: %w", i, b.off, err)
		}
		d.noteCodec(st.codec)
		if b.dict {
			if err := dicts.seen(st.dictID, st.delta); err != nil {
				return fmt.Errorf("block %d at offset %d: %w", i, b.off, err)
			}
			if dictBytes += st.bytes; dictBytes > lim.MaxPageBytes {
				return base.Limitf("dictionaries of more than %d bytes", lim.MaxPageBytes)
			}
			continue
		}
		d.batches = append(d.batches, b)
		d.rows += st.rows
		d.units++
		if batchBytes += st.bytes; checkRows(d.rows, batchBytes) != nil {
			return base.Limitf("%d rows in %d bytes of buffers", d.rows, batchBytes)
		}
	}
	return nil
}

// blockMessage reads and parses the message of a block, checking it is of
// the block's kind.
func blockMessage(src base.Source, b ipcBlock) (ipcMessage, error) {
	meta := make([]byte, b.meta)
	if _, err := src.ReadAt(meta, b.off); err != nil {
		return ipcMessage{}, fmt.Errorf("reading message: %w", err)
	}
	// The same prefixes arrow's fileBlock.NewMessage skips.
	switch binary.LittleEndian.Uint32(meta) {
	case 0:
	case 0xFFFFFFFF:
		meta = meta[8:]
	default:
		meta = meta[4:]
	}
	m, err := parseMessage(meta)
	if err != nil {
		return ipcMessage{}, err
	}
	kind := byte(msgRecordBatch)
	if b.dict {
		kind = msgDictionary
	}
	if m.kind != kind {
		return ipcMessage{}, base.Corruptf("message of type %d, want %d", m.kind, kind)
	}
	return m, nil
}

// checkBlock parses the message of one block and checks its batch.
func checkBlock(src base.Source, b ipcBlock, layouts ipcLayouts, lim base.Limits) (batchStats, error) {
	m, err := blockMessage(src, b)
	if err != nil {
		return batchStats{}, err
	}
	rb, delta, err := batchHeader(m)
	if err != nil {
		return batchStats{}, err
	}
	want, err := layouts.forMessage(m)
	if err != nil {
		return batchStats{}, err
	}
	st, err := checkBatch(rb, want, ipcBody{src: src, off: b.off + b.meta, n: b.body}, lim)
	if err == nil && m.kind == msgDictionary {
		st.delta = delta
		st.dictID, err = m.header.int64Field(0, 0)
	}
	return st, err
}

// checkBlockBody reads the body of a block and checks it with checkBody.
func checkBlockBody(src base.Source, b ipcBlock, layouts ipcLayouts, lim base.Limits) error {
	m, err := blockMessage(src, b)
	if err != nil {
		return err
	}
	body := make([]byte, b.body)
	if _, err := src.ReadAt(body, b.off+b.meta); err != nil && !(err == io.EOF && b.body == 0) {
		return fmt.Errorf("reading message body: %w", err)
	}
	return checkMessageBody(m, layouts, body, lim)
}

// checkMessageBody checks the body of a record or dictionary batch message
// against its layout.
func checkMessageBody(m ipcMessage, layouts ipcLayouts, body []byte, lim base.Limits) error {
	rb, _, err := batchHeader(m)
	if err != nil {
		return err
	}
	want, err := layouts.forMessage(m)
	if err != nil {
		return err
	}
	codec, err := batchCodec(rb)
	if err != nil {
		return err
	}
	rows := int64(-1)
	if m.kind == msgRecordBatch {
		if rows, err = rb.int64Field(0, 0); err != nil {
			return err
		}
	}
	return checkBody(rb, want, layouts.bigEndian, body, codec, rows, lim)
}

// ReadUnit reads record batch i. Reading is serialised; validation,
// decoding of dictionaries and emit run concurrently.
func (d *FileDecoder) ReadUnit(ctx context.Context, i int, cols []int, batchSize int, emit func(arrow.Record) error) error {
	if i < 0 || i >= d.units {
		return fmt.Errorf("%w: record batch %d of %d", base.ErrInvalidInput, i, d.units)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkBlockBody(d.src, d.batches[i], d.layouts, d.lim); err != nil {
		return &base.FileError{Path: d.path, RowGroup: i, Err: err}
	}
	rec, err := d.record(i)
	if err != nil {
		return &base.FileError{Path: d.path, RowGroup: i, Err: fmt.Errorf("%w: reading record batch: %w", base.ErrCorrupt, err)}
	}
	defer rec.Release()
	return d.emitRecord(ctx, rec, i, cols, batchSize, emit)
}

// record reads batch i under the lock; the caller releases it.
func (d *FileDecoder) record(i int) (arrow.Record, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.fr.RecordAt(i)
}

// Close closes arrow's FileReader; the caller owns the source.
func (d *FileDecoder) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fr == nil {
		return nil
	}
	err := d.fr.Close()
	d.fr = nil
	return err
}
