package parquetdec

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// pqMaxNesting bounds the depth of a Parquet schema; levels are stored in a
// byte each.
const pqMaxNesting = 100

// pqNode is one element of the Parquet schema tree with its cumulative
// maximum definition and repetition levels.
type pqNode struct {
	el       *format.SchemaElement
	children []*pqNode
	leaf     int     // index of the leaf column, -1 for groups
	col      *pqLeaf // the leaf column, nil for groups
	def, rep int16
	path     []string
}

func (n *pqNode) repetition() format.FieldRepetitionType { return n.el.RepetitionType.V }
func (n *pqNode) isLeaf() bool                           { return n.leaf >= 0 }

// pqLeaf is a leaf column of the schema: one column chunk per row group.
type pqLeaf struct {
	node   *pqNode
	path   string
	phys   format.Type
	width  int // bytes per value of fixed-width physical types, 1 for booleans
	maxDef int16
	maxRep int16
	// maxChunk is the largest total_uncompressed_size of the leaf's column
	// chunks, from the footer.
	maxChunk int64
	// large: the byte arrays decode with int64 offsets to Arrow
	// large_string or large_binary (see pqLargeOffsetBytes).
	large bool
}

// pqLargeOffsetBytes is the column chunk size (total_uncompressed_size)
// above which a string or binary leaf decodes to Arrow large_string or
// large_binary: its values could exceed the int32 offsets of string and
// binary. It is decided from the footer when the file is opened, so every
// row group has the same schema. A variable so that tests can force the
// large path on small files.
var pqLargeOffsetBytes int64 = 3 << 29 // 1.5 GiB

// anKind is the shape of an Arrow node.
type anKind uint8

const (
	anLeaf anKind = iota
	anStruct
	anList
	anMap
)

// anode is a node of the Arrow tree a top-level column decodes into. Levels
// are those of the column's first leaf: the value is non-null when the
// definition level reaches defValid; a list or map has elements when it
// reaches defElem, a new element starting at repetition levels <= repElem.
type anode struct {
	kind     anKind
	name     string
	typ      arrow.DataType
	nullable bool
	conv     leafConv
	first    int   // first leaf under the node
	leafIdx  []int // all leaves under the node
	defValid int16
	defElem  int16
	repElem  int16
	children []*anode
}

// buildSchema builds the schema tree, the leaves and the Arrow schema.
// Columns that do not convert are dropped with a warning.
func (d *Decoder) buildSchema() error {
	els := d.meta.Schema
	if len(els) == 0 {
		return base.Corruptf("parquet schema is empty")
	}
	if len(els)-1 > d.cfg.Limits.MaxColumns {
		// every leaf is an element; groups only make this stricter
		if n := countLeaves(els); n > d.cfg.Limits.MaxColumns {
			return base.Limitf("%d leaf columns exceed the limit of %d", n, d.cfg.Limits.MaxColumns)
		}
	}
	b := treeBuilder{els: els}
	root, err := b.node(nil, 0)
	if err != nil {
		return err
	}
	if b.pos != len(els) {
		return base.Corruptf("parquet schema has %d elements, %d used", len(els), b.pos)
	}
	if root.isLeaf() {
		return base.Corruptf("parquet schema root is not a group")
	}
	d.leaves = b.leaves
	d.measureChunks()
	var fields []arrow.Field
	for _, c := range root.children {
		an, err := fieldNode(c)
		if err != nil {
			d.warnings = append(d.warnings, fmt.Sprintf("column %q skipped: %v", c.el.Name, err))
			continue
		}
		an.name = c.el.Name
		d.cols = append(d.cols, an)
		fields = append(fields, arrow.Field{Name: an.name, Type: an.typ, Nullable: an.nullable})
	}
	d.schema = arrow.NewSchema(fields, nil)
	return nil
}

// measureChunks sets the maxChunk of every leaf; checkRowGroups refuses
// row groups whose chunks do not match the leaves.
func (d *Decoder) measureChunks() {
	for _, rg := range d.meta.RowGroups {
		for j := range min(len(rg.Columns), len(d.leaves)) {
			l := d.leaves[j]
			l.maxChunk = max(l.maxChunk, rg.Columns[j].MetaData.TotalUncompressedSize)
		}
	}
}

func countLeaves(els []format.SchemaElement) int {
	n := 0
	for i := range els {
		if els[i].NumChildren.V <= 0 {
			n++
		}
	}
	return n
}

// treeBuilder turns the depth-first list of schema elements into a tree.
type treeBuilder struct {
	els    []format.SchemaElement
	pos    int
	leaves []*pqLeaf
}

func (b *treeBuilder) node(parent *pqNode, depth int) (*pqNode, error) {
	if b.pos >= len(b.els) {
		return nil, base.Corruptf("parquet schema ends early")
	}
	if depth > pqMaxNesting {
		return nil, fmt.Errorf("%w: parquet schema nested deeper than %d", base.ErrUnsupported, pqMaxNesting)
	}
	el := &b.els[b.pos]
	b.pos++
	n := &pqNode{el: el, leaf: -1}
	if parent != nil {
		n.def, n.rep = parent.def, parent.rep
		n.path = append(append([]string(nil), parent.path...), el.Name)
		switch n.repetition() {
		case format.Optional:
			n.def++
		case format.Repeated:
			n.def++
			n.rep++
		}
	}
	nc := int(el.NumChildren.V)
	if !el.NumChildren.Valid || (nc == 0 && el.Type.Valid) {
		if parent == nil {
			return n, nil
		}
		return n, b.addLeaf(n)
	}
	if nc < 0 || nc > len(b.els)-b.pos {
		return nil, base.Corruptf("schema element %q claims %d children", el.Name, nc)
	}
	for range nc {
		c, err := b.node(n, depth+1)
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, c)
	}
	return n, nil
}

func (b *treeBuilder) addLeaf(n *pqNode) error {
	if !n.el.Type.Valid {
		return base.Corruptf("leaf column %q has no type", strings.Join(n.path, "."))
	}
	l := &pqLeaf{node: n, path: strings.Join(n.path, "."), phys: n.el.Type.V, maxDef: n.def, maxRep: n.rep}
	switch l.phys {
	case format.Boolean:
		l.width = 1
	case format.Int32, format.Float:
		l.width = 4
	case format.Int64, format.Double:
		l.width = 8
	case format.Int96:
		l.width = 12
	case format.FixedLenByteArray:
		l.width = int(n.el.TypeLength.V)
		if l.width <= 0 || l.width > 1<<16 {
			return base.Corruptf("column %q: fixed length %d", l.path, l.width)
		}
	case format.ByteArray:
	default:
		return base.Corruptf("column %q: unknown physical type %d", l.path, l.phys)
	}
	n.leaf, n.col = len(b.leaves), l
	b.leaves = append(b.leaves, l)
	return nil
}

// fieldNode converts a field: a repeated field outside a LIST or MAP
// annotation is a list of required elements.
func fieldNode(n *pqNode) (*anode, error) {
	if n.repetition() != format.Repeated {
		return valueNode(n)
	}
	elem, err := valueNode(n)
	if err != nil {
		return nil, err
	}
	elem.nullable = false
	return listOf(elem, n.def-1, n.def, n.rep, false), nil
}

func listOf(elem *anode, defValid, defElem, repElem int16, nullable bool) *anode {
	elem.name = "element"
	return &anode{
		kind: anList, typ: arrow.ListOfField(arrow.Field{Name: "element", Type: elem.typ, Nullable: elem.nullable}),
		nullable: nullable, first: elem.first, leafIdx: elem.leafIdx,
		defValid: defValid, defElem: defElem, repElem: repElem, children: []*anode{elem},
	}
}

// valueNode converts n ignoring its own repetition.
func valueNode(n *pqNode) (*anode, error) {
	nullable := n.repetition() == format.Optional
	if n.isLeaf() {
		return leafNode(n, nullable)
	}
	switch {
	case isListGroup(n):
		return listNode(n, nullable)
	case isMapGroup(n):
		return mapNode(n, nullable)
	}
	return structNode(n, nullable)
}

func isListGroup(n *pqNode) bool {
	_, ok := n.el.LogicalType.Value.(*format.ListType)
	return ok || n.el.ConvertedType.Valid && n.el.ConvertedType.V == deprecated.List
}

func isMapGroup(n *pqNode) bool {
	_, ok := n.el.LogicalType.Value.(*format.MapType)
	ct := n.el.ConvertedType
	return ok || ct.Valid && (ct.V == deprecated.Map || ct.V == deprecated.MapKeyValue)
}

func leafNode(n *pqNode, nullable bool) (*anode, error) {
	typ, conv, err := leafType(n.el)
	if err != nil {
		return nil, err
	}
	if conv == cvBytes && n.col.maxChunk > pqLargeOffsetBytes {
		n.col.large = true
		typ = largeBytesType(typ)
	}
	return &anode{kind: anLeaf, typ: typ, conv: conv, nullable: nullable, first: n.leaf,
		leafIdx: []int{n.leaf}, defValid: n.def}, nil
}

// largeBytesType is the Arrow type with int64 offsets of a string or binary
// type.
func largeBytesType(t arrow.DataType) arrow.DataType {
	if t.ID() == arrow.STRING {
		return arrow.BinaryTypes.LargeString
	}
	return arrow.BinaryTypes.LargeBinary
}

func structNode(n *pqNode, nullable bool) (*anode, error) {
	if len(n.children) == 0 {
		return nil, fmt.Errorf("%w: empty group", base.ErrUnsupported)
	}
	an := &anode{kind: anStruct, nullable: nullable, defValid: n.def, first: -1}
	var fields []arrow.Field
	for _, c := range n.children {
		ch, err := fieldNode(c)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", c.el.Name, err)
		}
		ch.name = c.el.Name
		an.children = append(an.children, ch)
		an.leafIdx = append(an.leafIdx, ch.leafIdx...)
		fields = append(fields, arrow.Field{Name: ch.name, Type: ch.typ, Nullable: ch.nullable})
	}
	an.first = an.children[0].first
	an.typ = arrow.StructOf(fields...)
	return an, nil
}

// listNode converts a LIST-annotated group, with the backward-compatibility
// rules of the Parquet LogicalTypes spec for two-level lists.
func listNode(g *pqNode, nullable bool) (*anode, error) {
	if len(g.children) != 1 || g.children[0].repetition() != format.Repeated {
		return nil, fmt.Errorf("%w: LIST group without one repeated child", base.ErrUnsupported)
	}
	r := g.children[0]
	var elem *anode
	var err error
	switch {
	case r.isLeaf():
		elem, err = valueNode(r)
	case len(r.children) > 1 || r.el.Name == "array" || r.el.Name == g.el.Name+"_tuple":
		elem, err = structNode(r, false)
	default:
		elem, err = fieldNode(r.children[0])
	}
	if err != nil {
		return nil, err
	}
	if r.isLeaf() || len(r.children) > 1 {
		elem.nullable = false
	}
	return listOf(elem, g.def, r.def, r.rep, nullable), nil
}

// mapNode converts a MAP-annotated group of a repeated key_value group.
func mapNode(m *pqNode, nullable bool) (*anode, error) {
	if len(m.children) != 1 || m.children[0].repetition() != format.Repeated || m.children[0].isLeaf() {
		return nil, fmt.Errorf("%w: MAP group without one repeated key_value group", base.ErrUnsupported)
	}
	kv := m.children[0]
	if len(kv.children) != 2 {
		return nil, fmt.Errorf("%w: MAP key_value group with %d fields", base.ErrUnsupported, len(kv.children))
	}
	key, err := fieldNode(kv.children[0])
	if err != nil {
		return nil, fmt.Errorf("map key: %w", err)
	}
	val, err := fieldNode(kv.children[1])
	if err != nil {
		return nil, fmt.Errorf("map value: %w", err)
	}
	key.nullable = false
	mt := arrow.MapOfWithMetadata(key.typ, arrow.Metadata{}, val.typ, arrow.Metadata{})
	mt.SetItemNullable(val.nullable)
	entries := &anode{kind: anStruct, typ: mt.Elem(), defValid: kv.def, first: key.first,
		children: []*anode{key, val}, leafIdx: append(append([]int(nil), key.leafIdx...), val.leafIdx...)}
	return &anode{kind: anMap, typ: mt, nullable: nullable, first: key.first, leafIdx: entries.leafIdx,
		defValid: m.def, defElem: kv.def, repElem: kv.rep, children: []*anode{entries}}, nil
}
