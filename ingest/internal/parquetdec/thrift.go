package parquetdec

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/refit-ml/refit/ingest/internal/base"
)

// parquet-go's thrift decoder allocates what a length or a list size
// claims before it reads the elements: a varint of a few bytes can make it
// ask for gigabytes, and 1-byte empty structs in a list decode to hundreds
// of bytes each. checkThrift walks the compact-protocol bytes first,
// allocating nothing, so that such a header or footer is an error before
// the decoder sees it.

// errThriftShort is the error of bytes that end inside the structure: a
// page header read from too few bytes, or a truncated footer.
var errThriftShort = errors.New("thrift data truncated")

// Compact protocol types.
const (
	thriftTrue   = 1
	thriftFalse  = 2
	thriftByte   = 3
	thriftI16    = 4
	thriftI32    = 5
	thriftI64    = 6
	thriftDouble = 7
	thriftBinary = 8
	thriftList   = 9
	thriftSet    = 10
	thriftMap    = 11
	thriftStruct = 12
)

// thriftDepth is the deepest struct nesting accepted; Parquet's structures
// nest a handful of levels.
const thriftDepth = 32

// thriftStructCost is what the decoder allocates per struct in a list: the
// size of parquet-go's largest list element (format.ColumnChunk, 560 bytes
// on 64-bit platforms), rounded up.
const thriftStructCost = 576

// thriftBudget is the most the decoded form of n thrift bytes may take:
// real headers and footers decode to a few times their size.
func thriftBudget(n int) int64 { return 32*int64(n) + 1<<20 }

// checkThrift checks that b starts with one well-formed thrift struct in
// the compact protocol whose lists, maps and binaries fit the bytes left,
// and whose decoded form stays within thriftBudget.
func checkThrift(b []byte) error {
	w := thriftWalker{b: b, budget: thriftBudget(len(b))}
	return w.structure(0)
}

// thriftWalker walks compact-protocol bytes.
type thriftWalker struct {
	b      []byte
	pos    int
	budget int64 // bytes the decoder may still allocate
	// items, when set, collects where the integers and sizes are: the
	// mutation tests use it to find fields worth corrupting.
	items *[]thriftItem
}

// thriftItem is where an integer, a size or a list header lies in the
// walked bytes: b[start:end].
type thriftItem struct {
	start, end int
	kind       byte // thriftI16, thriftI32, thriftI64, thriftBinary (a length), thriftList (a header)
}

func (w *thriftWalker) note(start int, kind byte) {
	if w.items != nil {
		*w.items = append(*w.items, thriftItem{start: start, end: w.pos, kind: kind})
	}
}

func (w *thriftWalker) left() int { return len(w.b) - w.pos }

func (w *thriftWalker) byte() (byte, error) {
	if w.pos >= len(w.b) {
		return 0, errThriftShort
	}
	w.pos++
	return w.b[w.pos-1], nil
}

func (w *thriftWalker) uvarint() (uint64, error) {
	v, n := binary.Uvarint(w.b[w.pos:])
	switch {
	case n == 0:
		return 0, errThriftShort
	case n < 0:
		return 0, base.Corruptf("thrift varint overflows 64 bits at byte %d", w.pos)
	}
	w.pos += n
	return v, nil
}

func (w *thriftWalker) skip(n int) error {
	if n > w.left() {
		return errThriftShort
	}
	w.pos += n
	return nil
}

// spend charges n bytes of decoded size against the budget.
func (w *thriftWalker) spend(n int64) error {
	w.budget -= n
	if w.budget < 0 {
		return base.Limitf("thrift structure of %d bytes decodes to more than %d bytes", len(w.b), thriftBudget(len(w.b)))
	}
	return nil
}

// structure walks the fields of a struct up to its stop byte.
func (w *thriftWalker) structure(depth int) error {
	if depth > thriftDepth {
		return base.Corruptf("thrift structs nested deeper than %d", thriftDepth)
	}
	for {
		h, err := w.byte()
		if err != nil {
			return err
		}
		if h == 0 {
			return nil
		}
		if h>>4 == 0 { // a field id of its own, a zigzag varint
			if _, err := w.uvarint(); err != nil {
				return err
			}
		}
		typ := h & 0x0f
		if typ == thriftTrue || typ == thriftFalse {
			continue // a field's boolean lives in its type
		}
		if err := w.value(typ, depth); err != nil {
			return err
		}
	}
}

// value walks one value of type typ (not a field's boolean).
func (w *thriftWalker) value(typ byte, depth int) error {
	switch typ {
	case thriftTrue, thriftFalse, thriftByte:
		return w.skip(1)
	case thriftI16, thriftI32, thriftI64:
		start := w.pos
		_, err := w.uvarint()
		w.note(start, typ)
		return err
	case thriftDouble:
		return w.skip(8)
	case thriftBinary:
		start := w.pos
		n, err := w.length("binary")
		w.note(start, thriftBinary)
		if err != nil {
			return err
		}
		if err := w.spend(int64(n)); err != nil {
			return err
		}
		return w.skip(n)
	case thriftList, thriftSet:
		return w.list(depth)
	case thriftMap:
		return w.kvMap(depth)
	case thriftStruct:
		return w.structure(depth + 1)
	}
	return base.Corruptf("thrift type %d at byte %d", typ, w.pos)
}

// length reads a size that must fit the bytes left, each element or byte
// taking at least one.
func (w *thriftWalker) length(what string) (int, error) {
	n, err := w.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(w.left()) {
		return 0, fmt.Errorf("%w: %s of %d with %d bytes left", errThriftShort, what, n, w.left())
	}
	return int(n), nil
}

func (w *thriftWalker) list(depth int) error {
	start := w.pos
	h, err := w.byte()
	if err != nil {
		return err
	}
	n, elem := int(h>>4), h&0x0f
	if n == 15 {
		n, err = w.length("list")
		w.note(start, thriftList)
		if err != nil {
			return err
		}
	} else if w.note(start, thriftList); n > w.left() {
		return fmt.Errorf("%w: list of %d with %d bytes left", errThriftShort, n, w.left())
	}
	if err := w.spend(int64(n) * elemCost(elem)); err != nil {
		return err
	}
	for range n {
		if err := w.value(elem, depth); err != nil {
			return err
		}
	}
	return nil
}

func (w *thriftWalker) kvMap(depth int) error {
	start := w.pos
	n, err := w.length("map")
	w.note(start, thriftBinary)
	if err != nil || n == 0 {
		return err
	}
	kv, err := w.byte()
	if err != nil {
		return err
	}
	if 2*n > w.left() {
		return fmt.Errorf("%w: map of %d entries with %d bytes left", errThriftShort, n, w.left())
	}
	if err := w.spend(int64(n) * (elemCost(kv>>4) + elemCost(kv&0x0f))); err != nil {
		return err
	}
	for range n {
		if err := w.value(kv>>4, depth); err != nil {
			return err
		}
		if err := w.value(kv&0x0f, depth); err != nil {
			return err
		}
	}
	return nil
}

// elemCost is what the decoder allocates per list element of type typ.
func elemCost(typ byte) int64 {
	switch typ {
	case thriftStruct:
		return thriftStructCost
	case thriftBinary:
		return 24
	}
	return 8
}

// thriftErr is the error of a checkThrift failure on what, wrapping
// base.ErrCorrupt (and base.ErrLimit for a budget exceeded).
func thriftErr(what string, err error) error {
	if errors.Is(err, base.ErrCorrupt) {
		return fmt.Errorf("decoding %s: %w", what, err)
	}
	return base.Corruptf("decoding %s: %v", what, err)
}
