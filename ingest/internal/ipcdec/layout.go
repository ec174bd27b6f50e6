package ipcdec

import (
	"fmt"

	"github.com/refit-ml/refit/ingest/internal/base"
)

// arrow's loader (ipc.arrayLoaderContext) reads the field nodes, buffers and
// variadic buffer counts of a record batch by index, in schema order, with
// the flatbuffer accessors that do no bounds checks, and then builds arrays
// whose constructors panic when a buffer is shorter than the node's length
// needs. This file describes, from the schema flatbuffer, what the loader
// reads for each node, the way it reads it: checkBatch compares the counts
// with the batch's metadata, and checkBody (body.go) the buffers with
// the nodes, before arrow sees them.

// ipcNode is what arrow's loader reads for one field node.
type ipcNode struct {
	kind     byte  // flatbuf.Type; fbDictIndices for dictionary indices
	width    int64 // bytes per value of a fixed-width kind, 0 for booleans
	listSize int64 // values per fixed-size list
	dense    bool  // a dense union
	validity bool  // a validity buffer comes first
	children int   // child nodes that follow, each with its own children
}

// fbDictIndices marks the indices of a dictionary-encoded field: a
// primitive array of its index type.
const fbDictIndices = 255

// ipcLayout is what arrow's loader reads for one batch of a schema: its
// nodes in order, depth first, and how many of them are top-level columns
// (the first node, then each node after the subtree of the one before).
type ipcLayout struct {
	nodes   []ipcNode
	columns int // top-level nodes
}

// buffers is the number of buffers the layout needs besides the variadic
// buffers of view columns; views is the number of view columns.
func (l ipcLayout) buffers() (n, views int) {
	for _, nd := range l.nodes {
		n += nd.bufferCount()
		if nd.kind == fbBinaryView || nd.kind == fbUtf8View {
			views++
		}
	}
	return n, views
}

// bufferCount is the number of buffers arrow reads for a node.
func (nd ipcNode) bufferCount() int {
	n := 0
	if nd.validity {
		n++
	}
	switch nd.kind {
	case fbNull:
		return 0
	case fbBinary, fbUtf8, fbLargeBinary, fbLargeUtf8, fbListView, fbLargeListView:
		return n + 2
	case fbFixedSizeList, fbStruct, fbRunEndEncoded:
		return n
	case fbUnion:
		if nd.dense {
			return n + 2
		}
		return n + 1
	}
	return n + 1 // values, offsets of lists, views
}

// ipcLayouts is the layout of a schema's record batches and of its
// dictionary batches by dictionary id.
type ipcLayouts struct {
	batch     [2]ipcLayout // before metadata version V5, and from V5
	dicts     map[int64]ipcLayout
	bigEndian bool // arrow swaps the buffers of a big-endian schema
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
	fbUnion           = 14
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

// schemaLayouts describes a Schema flatbuffer's batches. The caller has
// checked the schema with checkSchema, which bounds the walk.
func schemaLayouts(schema fbTable) (ipcLayouts, error) {
	ls := ipcLayouts{dicts: map[int64]ipcLayout{}}
	endian, err := schema.int16Field(0, 0)
	if err != nil {
		return ls, err
	}
	// flatbuf.Endianness: 0 little, 1 big; arrow takes any other value
	// for not little, and swaps the buffers.
	ls.bigEndian = endian != 0
	fields, err := schema.vectorField(1, 4)
	if err != nil {
		return ls, err
	}
	for v := range 2 {
		l := &ls.batch[v]
		l.columns = fields.n
		if err := fieldsLayout(fields, v == 1, l, &ls, 0); err != nil {
			return ls, fmt.Errorf("reading schema: %w", err)
		}
	}
	return ls, nil
}

// fieldsLayout adds the nodes of every field in fields to l.
func fieldsLayout(fields fbVector, v5 bool, l *ipcLayout, ls *ipcLayouts, depth int) error {
	if depth > maxNesting {
		return base.Corruptf("fields nested deeper than %d", maxNesting)
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

// fieldLayout adds the nodes of field f to l. A dictionary-encoded field
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
		vl := ipcLayout{columns: 1}
		if err := valueLayout(f, false, &vl, ls, depth); err != nil {
			return err
		}
		ls.dicts[id] = vl
	}
	index, ok, err := dict.tableField(1)
	if err != nil {
		return err
	}
	if !ok {
		// The format allows it (int32 indices), but arrow reads an absent
		// table and panics.
		return fmt.Errorf("%w: dictionary without an index type", base.ErrUnsupported)
	}
	width, err := intWidth(index)
	if err != nil {
		return err
	}
	l.nodes = append(l.nodes, ipcNode{kind: fbDictIndices, width: width, validity: true})
	return nil
}

// valueLayout adds the nodes of f's own type, ignoring a dictionary
// encoding of f, as arrow's loadArray reads them.
func valueLayout(f fbTable, v5 bool, l *ipcLayout, ls *ipcLayouts, depth int) error {
	kind, err := f.byteField(2, 0)
	if err != nil {
		return err
	}
	typ, _, err := f.tableField(3)
	if err != nil {
		return err
	}
	children, err := f.vectorField(5, 4)
	if err != nil {
		return err
	}
	nd := ipcNode{kind: kind, validity: true, children: children.n}
	switch kind {
	case fbNull:
		nd.validity = false
	case fbUnion, fbRunEndEncoded:
		nd.validity = !v5
		if kind == fbUnion {
			if nd.dense, err = unionMode(typ, children.n); err != nil {
				return err
			}
		}
	case fbFixedSizeList:
		size, err := typ.int32Field(0, 0)
		switch {
		case err != nil:
			return err
		case size < 0:
			return base.Corruptf("fixed-size list of %d values", size)
		case size == 0: // valid Arrow, but arrow's FixedSizeListOf panics
			return fmt.Errorf("%w: fixed-size list of 0 values", base.ErrUnsupported)
		}
		nd.listSize = int64(size)
	case fbBinary, fbUtf8, fbLargeBinary, fbLargeUtf8, fbBinaryView, fbUtf8View,
		fbList, fbLargeList, fbMap, fbListView, fbLargeListView, fbStruct, fbBool:
	default:
		if nd.width, err = fixedWidth(kind, typ); err != nil {
			return err
		}
	}
	l.nodes = append(l.nodes, nd)
	return fieldsLayout(children, v5, l, ls, depth+1)
}

// fixedWidth is the byte width of the values of a fixed-width type.
func fixedWidth(kind byte, typ fbTable) (int64, error) {
	short := func(def int16) int16 {
		v, err := typ.int16Field(0, def)
		if err != nil {
			return -1
		}
		return v
	}
	switch kind {
	case fbInt:
		return intWidth(typ)
	case fbFloatingPoint:
		if p := short(0); p >= 0 && p <= 2 {
			return 2 << p, nil
		}
	case fbDecimal:
		if w, err := typ.int32Field(2, 128); err == nil && (w == 128 || w == 256) {
			return int64(w / 8), nil
		}
	case fbDate:
		if u := short(1); u == 0 || u == 1 {
			return 4 << u, nil
		}
	case fbTime:
		if w, err := typ.int32Field(1, 32); err == nil && (w == 32 || w == 64) && timeUnit(short(1)) {
			return int64(w / 8), nil
		}
	case fbTimestamp, fbDuration:
		if timeUnit(short(1)) {
			return 8, nil
		}
	case fbInterval:
		if u := short(0); u >= 0 && u <= 2 {
			return []int64{4, 8, 16}[u], nil
		}
	case fbFixedSizeBinary:
		if w, err := typ.int32Field(0, 0); err == nil && w >= 0 {
			return int64(w), nil
		}
	default:
		return 0, fmt.Errorf("%w: field of type %d", base.ErrUnsupported, kind)
	}
	return 0, base.Corruptf("type %d with a bad width or unit", kind)
}

// unionMode checks a Union type table, whose arrow constructor panics on a
// bad mode or type ids, and reports whether the union is dense.
func unionMode(typ fbTable, children int) (bool, error) {
	mode, err := typ.int16Field(0, 0)
	if err != nil {
		return false, err
	}
	if mode != 0 && mode != 1 {
		return false, base.Corruptf("union mode %d", mode)
	}
	ids, err := typ.vectorField(1, 4)
	if err != nil {
		return false, err
	}
	if ids.n != 0 && ids.n != children {
		return false, base.Corruptf("union of %d children with %d type ids", children, ids.n)
	}
	for k := 0; k < ids.n; k++ {
		if id := ids.int32At(k, 0); id < 0 || id > 127 {
			return false, base.Corruptf("union type id %d", id)
		}
	}
	return mode == 1, nil
}

// timeUnit reports whether u is a flatbuf.TimeUnit: arrow panics on
// others.
func timeUnit(u int16) bool { return u >= 0 && u <= 3 }

// intWidth is the byte width of an Int type table.
func intWidth(typ fbTable) (int64, error) {
	w, err := typ.int32Field(0, 0)
	if err != nil {
		return 0, err
	}
	if w != 8 && w != 16 && w != 32 && w != 64 {
		return 0, base.Corruptf("integers of %d bits", w)
	}
	return int64(w / 8), nil
}

// check checks a RecordBatch header lists every field node, buffer and
// variadic buffer count that l needs.
func (l ipcLayout) check(rb fbTable) error {
	nodes, err := rb.vectorField(1, 16)
	if err != nil {
		return err
	}
	if nodes.n < len(l.nodes) {
		return base.Corruptf("batch of %d field nodes, its schema needs %d", nodes.n, len(l.nodes))
	}
	nbufs, views := l.buffers()
	counts, err := rb.vectorField(4, 8)
	if err != nil {
		return err
	}
	if counts.n < views {
		return base.Corruptf("batch of %d variadic buffer counts, its schema needs %d", counts.n, views)
	}
	need := int64(nbufs)
	for k := 0; k < views; k++ {
		if c := counts.int64At(k, 0); c >= 0 {
			need += c
		}
	}
	bufs, err := rb.vectorField(2, 16)
	if err != nil {
		return err
	}
	if int64(bufs.n) < need {
		return base.Corruptf("batch of %d buffers, its schema needs %d", bufs.n, need)
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
		return ipcLayout{}, base.Corruptf("dictionary batch of id %d, which no field uses", id)
	}
	return l, nil
}
