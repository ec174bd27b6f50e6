package ingest

import (
	"fmt"
)

// arrow's loader (ipc.arrayLoaderContext) reads the field nodes, buffers and
// variadic buffer counts of a record batch by index, in schema order, with
// the flatbuffer accessors that do no bounds checks: a batch that lists
// fewer of them than its schema needs makes arrow read buffer descriptors
// from whatever bytes follow the vector, such as a length of 16 GiB. This
// file counts what the schema needs, the way the loader does, so that
// checkBatch refuses such a batch before arrow sees it.

// ipcLayout is what arrow's loader reads for one batch of a schema.
type ipcLayout struct {
	nodes   int // field nodes
	buffers int // buffers, besides the variadic buffers of view columns
	views   int // variadic buffer counts (one per binary or utf8 view column)
}

// ipcLayouts is the layout of a schema's record batches and of its
// dictionary batches by dictionary id.
type ipcLayouts struct {
	batch [2]ipcLayout // before metadata version V5, and from V5
	dicts map[int64]ipcLayout
}

// flatbuf.Type values the layout depends on.
const (
	fbNull            = 1
	fbInt             = 2
	fbFloatingPoint   = 3
	fbBinary          = 4
	fbUtf8            = 5
	fbBool            = 6
	fbDecimal         = 7
	fbDate            = 8
	fbTime            = 9
	fbTimestamp       = 10
	fbInterval        = 11
	fbList            = 12
	fbStruct          = 13
	fbUnion           = fbTypeUnion
	fbFixedSizeBinary = 15
	fbFixedSizeList   = 16
	fbMap             = 17
	fbDuration        = 18
	fbLargeBinary     = 19
	fbLargeUtf8       = 20
	fbLargeList       = 21
	fbRunEndEncoded   = 22
	fbBinaryView      = 23
	fbUtf8View        = 24
	fbListView        = 25
	fbLargeListView   = 26
)

// fbMetadataV5 is flatbuf.MetadataVersionV5: from it on, unions and
// run-end encoded arrays have no validity buffer.
const fbMetadataV5 = 4

// schemaLayouts counts the layout of a Schema flatbuffer's batches. The
// caller has checked the schema with checkSchema, which bounds the walk.
func schemaLayouts(schema fbTable) (ipcLayouts, error) {
	ls := ipcLayouts{dicts: map[int64]ipcLayout{}}
	fields, err := schema.vectorField(1, 4)
	if err != nil {
		return ls, err
	}
	for v := range 2 {
		if err := fieldsLayout(fields, v == 1, &ls.batch[v], &ls, 0); err != nil {
			return ls, fmt.Errorf("reading schema: %w", err)
		}
	}
	return ls, nil
}

// fieldsLayout adds the layout of every field in fields to l.
func fieldsLayout(fields fbVector, v5 bool, l *ipcLayout, ls *ipcLayouts, depth int) error {
	if depth > maxNesting {
		return corruptf("fields nested deeper than %d", maxNesting)
	}
	for k := 0; k < fields.n; k++ {
		f, err := fields.tableAt(k)
		if err != nil {
			return err
		}
		if err := fieldLayout(f, v5, l, ls, depth); err != nil {
			return err
		}
	}
	return nil
}

// fieldLayout adds the layout of field f to l. A dictionary-encoded field
// is read as its indices, a primitive array; its values are the layout of
// the dictionary batches of its id, which arrow reads with version V1
// rules.
func fieldLayout(f fbTable, v5 bool, l *ipcLayout, ls *ipcLayouts, depth int) error {
	dict, ok, err := f.tableField(4)
	if err != nil {
		return err
	}
	if !ok {
		return valueLayout(f, v5, l, ls, depth)
	}
	id, err := dict.int64Field(0, 0)
	if err != nil {
		return err
	}
	if _, seen := ls.dicts[id]; !seen {
		var vl ipcLayout
		if err := valueLayout(f, false, &vl, ls, depth); err != nil {
			return err
		}
		ls.dicts[id] = vl
	}
	l.nodes++
	l.buffers += 2
	return nil
}

// valueLayout adds the layout of f's own type, ignoring a dictionary
// encoding of f, as arrow's loadArray reads it.
func valueLayout(f fbTable, v5 bool, l *ipcLayout, ls *ipcLayouts, depth int) error {
	kind, err := f.byteField(2, 0)
	if err != nil {
		return err
	}
	l.nodes++
	switch kind {
	case fbNull:
		return nil
	case fbInt, fbFloatingPoint, fbBool, fbDecimal, fbDate, fbTime, fbTimestamp,
		fbInterval, fbDuration, fbFixedSizeBinary:
		l.buffers += 2
		return nil
	case fbBinary, fbUtf8, fbLargeBinary, fbLargeUtf8:
		l.buffers += 3
		return nil
	case fbBinaryView, fbUtf8View:
		l.buffers += 2
		l.views++
		return nil
	case fbList, fbLargeList, fbMap:
		l.buffers += 2
	case fbListView, fbLargeListView:
		l.buffers += 3
	case fbFixedSizeList, fbStruct:
		l.buffers++
	case fbUnion:
		if err := unionLayout(f, v5, l); err != nil {
			return err
		}
	case fbRunEndEncoded:
		if !v5 {
			l.buffers++
		}
	default:
		return fmt.Errorf("%w: field of type %d", ErrUnsupported, kind)
	}
	children, err := f.vectorField(5, 4)
	if err != nil {
		return err
	}
	return fieldsLayout(children, v5, l, ls, depth+1)
}

// unionLayout adds the buffers of a union: a validity buffer before V5,
// the type ids, and the offsets of a dense union.
func unionLayout(f fbTable, v5 bool, l *ipcLayout) error {
	if !v5 {
		l.buffers++
	}
	l.buffers++
	union, ok, err := f.tableField(3)
	if err != nil || !ok {
		return err
	}
	p, ok, err := union.field(0, 2)
	if err != nil {
		return err
	}
	if ok && union.buf[p] == 1 { // flatbuf.UnionModeDense, a little-endian short
		l.buffers++
	}
	return nil
}

// check checks a RecordBatch header lists every field node, buffer and
// variadic buffer count that want needs.
func (want ipcLayout) check(rb fbTable) error {
	nodes, err := rb.vectorField(1, 16)
	if err != nil {
		return err
	}
	if nodes.n < want.nodes {
		return corruptf("batch of %d field nodes, its schema needs %d", nodes.n, want.nodes)
	}
	counts, err := rb.vectorField(4, 8)
	if err != nil {
		return err
	}
	if counts.n < want.views {
		return corruptf("batch of %d variadic buffer counts, its schema needs %d", counts.n, want.views)
	}
	need := int64(want.buffers)
	for k := 0; k < want.views; k++ {
		if c := counts.int64At(k, 0); c >= 0 {
			need += c
		}
	}
	bufs, err := rb.vectorField(2, 16)
	if err != nil {
		return err
	}
	if int64(bufs.n) < need {
		return corruptf("batch of %d buffers, its schema needs %d", bufs.n, need)
	}
	return nil
}

// forMessage returns the layout that message m (a record batch or a
// dictionary batch) must have.
func (ls ipcLayouts) forMessage(m ipcMessage) (ipcLayout, error) {
	if m.kind == msgRecordBatch {
		v5 := 0
		if m.version >= fbMetadataV5 {
			v5 = 1
		}
		return ls.batch[v5], nil
	}
	id, err := m.header.int64Field(0, 0)
	if err != nil {
		return ipcLayout{}, err
	}
	l, ok := ls.dicts[id]
	if !ok {
		return ipcLayout{}, corruptf("dictionary batch of id %d, which no field uses", id)
	}
	return l, nil
}
