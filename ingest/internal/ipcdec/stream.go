package ipcdec

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// StreamDecoder reads an Arrow IPC stream: one unit, read in order.
type StreamDecoder struct {
	ipcCommon
	src     base.Source
	end     int64      // end of the checked messages: arrow reads no further
	layouts ipcLayouts // of the stream's schema
}

// OpenStream walks every message of an Arrow IPC stream, checking its
// framing and batches, then reads the schema with arrow.
func OpenStream(src base.Source, cfg base.OpenConfig) (*StreamDecoder, error) {
	d := &StreamDecoder{
		ipcCommon: ipcCommon{path: cfg.Path, format: base.FormatArrowStream, size: src.Size(), mem: newLimitAllocator(cfg.Mem, cfg.Limits), lim: cfg.Limits, rows: -1, units: 1},
		src:       src,
	}
	if err := d.walk(cfg.Limits); err != nil {
		return nil, err
	}
	r, err := d.reader()
	if err != nil {
		return nil, err
	}
	defer r.Release()
	if err := d.setSchema(r.Schema()); err != nil {
		return nil, err
	}
	return d, nil
}

// reader returns arrow's reader over the stream's messages, each read and
// checked by ingest before arrow sees it.
func (d *StreamDecoder) reader() (*ipc.Reader, error) {
	r, err := ipc.NewReaderFromMessageReader(&streamMessages{d: d}, ipc.WithAllocator(d.mem))
	if err != nil {
		return nil, fmt.Errorf("%w: reading stream schema: %w", base.ErrCorrupt, err)
	}
	return r, nil
}

// streamMessages is an ipc.MessageReader over the checked messages of a
// stream: it checks the body of every batch (checkBody) before arrow
// builds arrays from it.
type streamMessages struct {
	d   *StreamDecoder
	pos int64
}

func (s *streamMessages) Message() (*ipc.Message, error) {
	if s.pos >= s.d.end {
		return nil, io.EOF
	}
	m, err := readStreamMessage(s.d.src, s.pos, s.d.lim)
	if err != nil {
		return nil, fmt.Errorf("message at offset %d: %w", s.pos, err)
	}
	if m.eos {
		return nil, io.EOF
	}
	body := make([]byte, m.bodyLen)
	if _, err := s.d.src.ReadAt(body, m.body); err != nil && !(err == io.EOF && m.bodyLen == 0) {
		return nil, fmt.Errorf("reading message body: %w", err)
	}
	if m.kind != msgSchema {
		if err := checkMessageBody(m.ipcMessage, s.d.layouts, body, s.d.lim); err != nil {
			return nil, fmt.Errorf("message at offset %d: %w", s.pos, err)
		}
	}
	s.pos = m.next
	return ipc.NewMessage(memory.NewBufferBytes(m.header.buf), memory.NewBufferBytes(body)), nil
}

// Retain and Release: the messages hold no resources.
func (s *streamMessages) Retain()  {}
func (s *streamMessages) Release() {}

// streamMessage is one framed message of a stream.
type streamMessage struct {
	ipcMessage
	body int64 // offset of the body
	next int64 // offset of the next message
	eos  bool  // an end-of-stream marker, or the end of the bytes
}

// walk checks every message up to the end-of-stream marker or the end of
// the bytes, and sets d.end.
func (d *StreamDecoder) walk(lim base.Limits) error {
	var (
		pos   int64
		tally streamTally
	)
	for k := 0; ; k++ {
		m, err := readStreamMessage(d.src, pos, lim)
		if err != nil {
			return fmt.Errorf("message %d at offset %d: %w", k, pos, err)
		}
		if m.eos {
			if k == 0 {
				return base.Corruptf("stream without schema")
			}
			d.end = m.next
			return nil
		}
		st, err := d.checkMessage(k, m, lim)
		if err != nil {
			return fmt.Errorf("message %d at offset %d: %w", k, pos, err)
		}
		tally.dicts.layouts = d.layouts
		if err := tally.add(m.kind, st, lim); err != nil {
			return fmt.Errorf("message %d at offset %d: %w", k, pos, err)
		}
		pos = m.next
	}
}

// streamTally sums what a stream's messages decode to.
type streamTally struct {
	dictBytes, rows, bytes int64
	dicts                  dictTally
}

// add counts one message, refusing dictionaries beyond MaxPageBytes in all
// and more rows than the stream's buffers can hold.
func (t *streamTally) add(kind byte, st batchStats, lim base.Limits) error {
	switch kind {
	case msgDictionary:
		if err := t.dicts.seen(st.dictID, st.delta); err != nil {
			return err
		}
		if t.dictBytes += st.bytes; t.dictBytes > lim.MaxPageBytes {
			return base.Limitf("dictionaries of more than %d bytes", lim.MaxPageBytes)
		}
	case msgRecordBatch:
		if err := t.dicts.batch(); err != nil {
			return err
		}
		t.rows += st.rows
		t.bytes += st.bytes
		return checkRows(t.rows, t.bytes)
	}
	return nil
}

// checkMessage checks message k: the schema first, then dictionaries and
// record batches.
func (d *StreamDecoder) checkMessage(k int, m streamMessage, lim base.Limits) (batchStats, error) {
	if k == 0 {
		if m.kind != msgSchema {
			return batchStats{}, base.Corruptf("stream starts with message type %d, not a schema", m.kind)
		}
		var err error
		d.layouts, err = checkSchema(m.header, lim)
		return batchStats{}, err
	}
	rb, delta, err := batchHeader(m.ipcMessage)
	if err != nil {
		return batchStats{}, err
	}
	want, err := d.layouts.forMessage(m.ipcMessage)
	if err != nil {
		return batchStats{}, err
	}
	st, err := checkBatch(rb, want, ipcBody{src: d.src, off: m.body, n: m.bodyLen}, lim)
	if err == nil && m.kind == msgDictionary {
		st.delta = delta
		st.dictID, err = m.header.int64Field(0, 0)
	}
	if err != nil {
		return batchStats{}, err
	}
	d.noteCodec(st.codec)
	return st, nil
}

// readStreamMessage reads the framing and metadata of the message at pos:
// an optional continuation marker, the int32 metadata length, the Message
// flatbuffer, and checks the body it announces fits the bytes left.
func readStreamMessage(src base.Source, pos int64, lim base.Limits) (streamMessage, error) {
	left := src.Size() - pos
	if left == 0 {
		return streamMessage{next: pos, eos: true}, nil
	}
	var p [8]byte
	if left < 4 {
		return streamMessage{}, base.Corruptf("truncated message header")
	}
	if _, err := src.ReadAt(p[:min(left, 8)], pos); err != nil && !errors.Is(err, io.EOF) {
		return streamMessage{}, fmt.Errorf("reading message header: %w", err)
	}
	n, hdr := int64(int32(binary.LittleEndian.Uint32(p[:4]))), int64(4)
	if binary.LittleEndian.Uint32(p[:4]) == 0xFFFFFFFF {
		if left < 8 {
			return streamMessage{}, base.Corruptf("truncated message header")
		}
		n, hdr = int64(int32(binary.LittleEndian.Uint32(p[4:]))), 8
	}
	switch {
	case n == 0:
		return streamMessage{next: pos + hdr, eos: true}, nil
	case n < 0:
		return streamMessage{}, base.Corruptf("metadata length %d", n)
	case n > lim.MaxMetadataBytes:
		return streamMessage{}, base.Limitf("message metadata of %d bytes", n)
	case n > left-hdr:
		return streamMessage{}, base.Corruptf("metadata of %d bytes with %d left", n, left-hdr)
	}
	return readStreamMeta(src, pos+hdr, n, lim)
}

// readStreamMeta parses the n bytes of metadata at pos.
func readStreamMeta(src base.Source, pos, n int64, lim base.Limits) (streamMessage, error) {
	meta := make([]byte, n)
	if _, err := src.ReadAt(meta, pos); err != nil {
		return streamMessage{}, fmt.Errorf("reading message metadata: %w", err)
	}
	m, err := parseMessage(meta)
	if err != nil {
		return streamMessage{}, err
	}
	body := pos + n
	switch {
	case m.bodyLen > lim.MaxPageBytes:
		return streamMessage{}, base.Limitf("message body of %d bytes", m.bodyLen)
	case m.bodyLen > src.Size()-body:
		return streamMessage{}, base.Corruptf("body of %d bytes with %d left", m.bodyLen, src.Size()-body)
	}
	return streamMessage{ipcMessage: m, body: body, next: body + m.bodyLen}, nil
}

// ReadUnit reads the whole stream, the only unit.
func (d *StreamDecoder) ReadUnit(ctx context.Context, i int, cols []int, batchSize int, emit func(arrow.Record) error) error {
	if i != 0 {
		return fmt.Errorf("%w: unit %d of a stream", base.ErrInvalidInput, i)
	}
	r, err := d.reader()
	if err != nil {
		return err
	}
	defer r.Release()
	batch := 0
	for ; r.Next(); batch++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := d.emitRecord(ctx, r.Record(), batch, cols, batchSize, emit); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil {
		return &base.FileError{Path: d.path, RowGroup: batch, Err: fmt.Errorf("%w: reading record batch: %w", base.ErrCorrupt, err)}
	}
	return nil
}

// Close does nothing: each ReadUnit opens and closes its own reader, and
// the caller owns the source.
func (d *StreamDecoder) Close() error { return nil }
