package ipcdec

import (
	"encoding/binary"
	"fmt"

	"github.com/refit-ml/refit/ingest/internal/base"
)

// IPC message header types (flatbuf.MessageHeader).
const (
	msgSchema      = 1
	msgDictionary  = 2
	msgRecordBatch = 3
)

// maxNesting is the deepest nesting of fields ingest accepts, as arrow's
// loader does.
const maxNesting = 64

// codecNames are the IPC body compression codecs (flatbuf.CompressionType).
var codecNames = []string{"LZ4_FRAME", "ZSTD"}

// ipcMessage is what ingest learns from one message's metadata.
type ipcMessage struct {
	kind    byte
	version int16 // flatbuf.MetadataVersion
	bodyLen int64
	header  fbTable
}

// parseMessage parses the Message flatbuffer meta.
func parseMessage(meta []byte) (ipcMessage, error) {
	root, err := fbRoot(meta)
	if err != nil {
		return ipcMessage{}, err
	}
	version, err := root.int16Field(0, 0)
	if err != nil {
		return ipcMessage{}, err
	}
	kind, err := root.byteField(1, 0)
	if err != nil {
		return ipcMessage{}, err
	}
	header, ok, err := root.tableField(2)
	if err != nil {
		return ipcMessage{}, err
	}
	if !ok {
		return ipcMessage{}, base.Corruptf("message without header")
	}
	bodyLen, err := root.int64Field(3, 0)
	if err != nil {
		return ipcMessage{}, err
	}
	if bodyLen < 0 {
		return ipcMessage{}, base.Corruptf("negative body length %d", bodyLen)
	}
	if err := checkMessageTables(root, kind, header); err != nil {
		return ipcMessage{}, fmt.Errorf("reading message: %w", err)
	}
	return ipcMessage{kind: kind, version: version, bodyLen: bodyLen, header: header}, nil
}

// checkSchema refuses schemas nested deeper than maxNesting or with more
// than MaxColumns fields in all, counting children: arrow would build every
// field, and a flatbuffer can reference one child many times. It returns
// the layout of the schema's batches.
func checkSchema(schema fbTable, lim base.Limits) (ipcLayouts, error) {
	if err := checkTable(schema, fbSchemaSlots...); err != nil {
		return ipcLayouts{}, fmt.Errorf("reading schema: %w", err)
	}
	fields, err := schema.vectorField(1, 4)
	if err != nil {
		return ipcLayouts{}, fmt.Errorf("reading schema: %w", err)
	}
	count := 0
	if err := countFields(fields, 1, &count, lim.MaxColumns); err != nil {
		return ipcLayouts{}, fmt.Errorf("reading schema: %w", err)
	}
	if _, err := schema.vectorField(2, 4); err != nil {
		return ipcLayouts{}, fmt.Errorf("reading schema metadata: %w", err)
	}
	return schemaLayouts(schema)
}

func countFields(fields fbVector, depth int, count *int, most int) error {
	if depth > maxNesting {
		return base.Corruptf("fields nested deeper than %d", maxNesting)
	}
	for k := 0; k < fields.n; k++ {
		*count++
		if *count > most {
			return base.Limitf("more than %d fields", most)
		}
		f, err := fields.tableAt(k)
		if err != nil {
			return err
		}
		if err := checkFieldTables(f); err != nil {
			return fmt.Errorf("field %d: %w", k, err)
		}
		children, err := f.vectorField(5, 4)
		if err != nil {
			return err
		}
		if err := countFields(children, depth+1, count, most); err != nil {
			return err
		}
	}
	return nil
}

// ipcBody locates a message body: n bytes of src from off.
type ipcBody struct {
	src base.Source
	off int64
	n   int64
}

// batchStats is what checkBatch learns from a RecordBatch header.
type batchStats struct {
	rows   int64
	codec  int // index into codecNames, -1 when uncompressed
	bytes  int64
	dictID int64 // of a dictionary batch
	delta  bool  // a delta dictionary batch
}

// dictTally checks every dictionary a schema uses comes before the first
// record batch: arrow panics on a batch whose dictionary is missing.
type dictTally struct {
	layouts ipcLayouts
	ids     map[int64]bool
}

// seen notes a dictionary batch: a delta needs its dictionary before it,
// else arrow panics.
func (t *dictTally) seen(id int64, delta bool) error {
	if delta && !t.ids[id] {
		return base.Corruptf("delta dictionary batch of id %d before its dictionary", id)
	}
	if t.ids == nil {
		t.ids = map[int64]bool{}
	}
	t.ids[id] = true
	return nil
}

// batch checks a record batch may come now.
func (t *dictTally) batch() error {
	for id := range t.layouts.dicts {
		if !t.ids[id] {
			return base.Corruptf("record batch before the dictionary of id %d", id)
		}
	}
	return nil
}

// checkBatch validates a RecordBatch header rb against its schema's layout
// want and its body: the count of nodes and buffers, every node's length
// and null count, every buffer inside the body, the uncompressed sizes of
// compressed buffers and the variadic buffer counts.
func checkBatch(rb fbTable, want ipcLayout, body ipcBody, lim base.Limits) (batchStats, error) {
	st := batchStats{codec: -1}
	if err := want.check(rb); err != nil {
		return st, err
	}
	rows, err := rb.int64Field(0, 0)
	if err != nil {
		return st, err
	}
	if err := checkLength(rows, lim); err != nil {
		return st, err
	}
	st.rows = rows
	if st.codec, err = batchCodec(rb); err != nil {
		return st, err
	}
	nbufs, err := checkBuffers(rb, body, st.codec, lim, &st.bytes)
	if err != nil {
		return st, err
	}
	if err := checkRows(rows, st.bytes); err != nil {
		return st, err
	}
	if err := checkNodes(rb, st.bytes); err != nil {
		return st, err
	}
	return st, checkVariadic(rb, nbufs)
}

// freeRows is how many rows a batch or file may hold beyond 8 per byte of
// its buffers: null and run-end encoded columns take no bytes per row, but
// without a bound a file of a few bytes could claim billions of rows.
const freeRows = 1 << 20

// checkRows refuses rows beyond 8 per byte of buffers (decompressed) plus
// freeRows.
func checkRows(rows, bytes int64) error {
	if rows > 8*bytes+freeRows {
		return base.Limitf("%d rows in %d bytes of buffers", rows, bytes)
	}
	return nil
}

// maxRows bounds the length of a batch or array: at least a bit per row in
// the largest body allowed.
func maxRows(lim base.Limits) int64 { return 8 * lim.MaxPageBytes }

func checkLength(n int64, lim base.Limits) error {
	if n < 0 {
		return base.Corruptf("negative length %d", n)
	}
	if n > maxRows(lim) {
		return base.Limitf("length of %d rows", n)
	}
	return nil
}

// checkNodes checks the length and null count of every field node.
func checkNodes(rb fbTable, bytes int64) error {
	nodes, err := rb.vectorField(1, 16)
	if err != nil {
		return err
	}
	for k := 0; k < nodes.n; k++ {
		n, nulls := nodes.int64At(k, 0), nodes.int64At(k, 8)
		if n < 0 || nulls < 0 || nulls > n {
			return base.Corruptf("field node %d: length %d with %d nulls", k, n, nulls)
		}
		if err := checkRows(n, bytes); err != nil {
			return fmt.Errorf("field node %d: %w", k, err)
		}
	}
	return nil
}

func batchCodec(rb fbTable) (int, error) {
	comp, ok, err := rb.tableField(3)
	if err != nil || !ok {
		return -1, err
	}
	codec, err := comp.byteField(0, 0)
	if err != nil {
		return -1, err
	}
	method, err := comp.byteField(1, 0)
	if err != nil {
		return -1, err
	}
	if int(codec) >= len(codecNames) || method != 0 {
		return -1, fmt.Errorf("%w: body compression codec %d method %d", base.ErrUnsupported, codec, method)
	}
	return int(codec), nil
}

// checkBuffers checks every buffer of rb lies inside body and adds the
// bytes they decode to to *total, refusing more than MaxPageBytes.
func checkBuffers(rb fbTable, body ipcBody, codec int, lim base.Limits, total *int64) (int, error) {
	bufs, err := rb.vectorField(2, 16)
	if err != nil {
		return 0, err
	}
	for k := 0; k < bufs.n; k++ {
		off, n := bufs.int64At(k, 0), bufs.int64At(k, 8)
		if off < 0 || n < 0 || off > body.n || n > body.n-off {
			return 0, base.Corruptf("buffer %d at %d of %d bytes outside the body of %d bytes", k, off, n, body.n)
		}
		size := n
		if codec >= 0 && n > 0 {
			if size, err = uncompressedSize(body, off, n, lim); err != nil {
				return 0, fmt.Errorf("buffer %d: %w", k, err)
			}
		}
		*total += size
		if *total > lim.MaxPageBytes {
			return 0, base.Limitf("record batch of more than %d bytes", lim.MaxPageBytes)
		}
	}
	return bufs.n, nil
}

// uncompressedSize reads the int64 length prefix of a compressed buffer.
func uncompressedSize(body ipcBody, off, n int64, lim base.Limits) (int64, error) {
	if n < 8 {
		return 0, base.Corruptf("compressed buffer of %d bytes", n)
	}
	var p [8]byte
	if _, err := body.src.ReadAt(p[:], body.off+off); err != nil {
		return 0, fmt.Errorf("reading buffer length: %w", err)
	}
	size := int64(binary.LittleEndian.Uint64(p[:]))
	switch {
	case size == -1:
		return n - 8, nil
	case size < 0:
		return 0, base.Corruptf("uncompressed length %d", size)
	case size > lim.MaxPageBytes:
		return 0, base.Limitf("uncompressed buffer of %d bytes", size)
	}
	return size, base.CheckRatio(lim, "compressed buffer", n-8, size)
}

func checkVariadic(rb fbTable, nbufs int) error {
	counts, err := rb.vectorField(4, 8)
	if err != nil {
		return err
	}
	var sum int64
	for k := 0; k < counts.n; k++ {
		c := counts.int64At(k, 0)
		if c < 0 || c > int64(nbufs) {
			return base.Corruptf("variadic buffer count %d with %d buffers", c, nbufs)
		}
		sum += c
	}
	if sum > int64(nbufs) {
		return base.Corruptf("%d variadic buffers with %d buffers", sum, nbufs)
	}
	return nil
}

// batchHeader returns the RecordBatch of a record batch or dictionary
// message, and whether the dictionary is a delta.
func batchHeader(m ipcMessage) (fbTable, bool, error) {
	switch m.kind {
	case msgRecordBatch:
		return m.header, false, nil
	case msgDictionary:
		rb, ok, err := m.header.tableField(1)
		if err != nil {
			return fbTable{}, false, err
		}
		if !ok {
			return fbTable{}, false, base.Corruptf("dictionary batch without data")
		}
		delta, err := m.header.byteField(2, 0)
		return rb, delta != 0, err
	}
	return fbTable{}, false, base.Corruptf("unexpected message type %d", m.kind)
}
