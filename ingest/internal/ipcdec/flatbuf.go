package ipcdec

import (
	"encoding/binary"
	"fmt"

	"github.com/refit-ml/refit/ingest/internal/base"
)

// This file reads the few fields of Arrow's IPC flatbuffers (Footer,
// Message, Schema, Field, RecordBatch, DictionaryBatch) that ingest checks
// before handing bytes to arrow. Arrow's generated readers are internal and
// do no bounds checks; these do, so hostile metadata becomes an error rather
// than a panic or a huge allocation.

// fbTable is one flatbuffer table inside buf.
type fbTable struct {
	buf   []byte
	pos   int // start of the table
	vt    int // start of its vtable
	vtLen int // vtable size in bytes
}

// errFlatbuf is the error of every malformed flatbuffer.
func errFlatbuf(what string) error { return base.Corruptf("malformed flatbuffer: %s", what) }

func fbU32(buf []byte, pos int) (uint32, bool) {
	if pos < 0 || pos > len(buf)-4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(buf[pos:]), true
}

// fbRoot returns the root table of buf.
func fbRoot(buf []byte) (fbTable, error) {
	off, ok := fbU32(buf, 0)
	if !ok {
		return fbTable{}, errFlatbuf("too short")
	}
	return fbTableAt(buf, int64(off))
}

// fbTableAt returns the table starting at pos.
func fbTableAt(buf []byte, pos int64) (fbTable, error) {
	if pos < 0 || pos > int64(len(buf)-4) {
		return fbTable{}, errFlatbuf("table offset out of range")
	}
	p := int(pos)
	so := int64(int32(binary.LittleEndian.Uint32(buf[p:])))
	vt := pos - so
	if vt < 0 || vt > int64(len(buf)-4) {
		return fbTable{}, errFlatbuf("vtable offset out of range")
	}
	vtLen := int(binary.LittleEndian.Uint16(buf[vt:]))
	if vtLen < 4 || vtLen%2 != 0 || int64(vtLen) > int64(len(buf))-vt {
		return fbTable{}, errFlatbuf("bad vtable size")
	}
	return fbTable{buf: buf, pos: p, vt: int(vt), vtLen: vtLen}, nil
}

// field returns the absolute position of field i and whether it holds size
// bytes inside the buffer; 0, false when absent.
func (t fbTable) field(i, size int) (int, bool, error) {
	slot := 4 + 2*i
	if slot+2 > t.vtLen {
		return 0, false, nil
	}
	o := int(binary.LittleEndian.Uint16(t.buf[t.vt+slot:]))
	if o == 0 {
		return 0, false, nil
	}
	p := t.pos + o
	if p > len(t.buf)-size {
		return 0, false, errFlatbuf(fmt.Sprintf("field %d out of range", i))
	}
	return p, true, nil
}

// int64Field reads a scalar int64 field, def when absent.
func (t fbTable) int64Field(i int, def int64) (int64, error) {
	p, ok, err := t.field(i, 8)
	if err != nil || !ok {
		return def, err
	}
	return int64(binary.LittleEndian.Uint64(t.buf[p:])), nil
}

// int16Field reads a scalar short field, def when absent.
func (t fbTable) int16Field(i int, def int16) (int16, error) {
	p, ok, err := t.field(i, 2)
	if err != nil || !ok {
		return def, err
	}
	return int16(binary.LittleEndian.Uint16(t.buf[p:])), nil
}

// int32Field reads a scalar int field, def when absent.
func (t fbTable) int32Field(i int, def int32) (int32, error) {
	p, ok, err := t.field(i, 4)
	if err != nil || !ok {
		return def, err
	}
	return int32(binary.LittleEndian.Uint32(t.buf[p:])), nil
}

// byteField reads a scalar byte field (ubyte, bool, enum), def when absent.
func (t fbTable) byteField(i int, def byte) (byte, error) {
	p, ok, err := t.field(i, 1)
	if err != nil || !ok {
		return def, err
	}
	return t.buf[p], nil
}

// target follows the offset stored in field i.
func (t fbTable) target(i int) (int64, bool, error) {
	p, ok, err := t.field(i, 4)
	if err != nil || !ok {
		return 0, false, err
	}
	return int64(p) + int64(binary.LittleEndian.Uint32(t.buf[p:])), true, nil
}

// tableField returns the sub-table in field i; ok is false when absent.
func (t fbTable) tableField(i int) (fbTable, bool, error) {
	pos, ok, err := t.target(i)
	if err != nil || !ok {
		return fbTable{}, false, err
	}
	sub, err := fbTableAt(t.buf, pos)
	return sub, err == nil, err
}

// fbVector is a vector of n elements of elem bytes starting at pos.
type fbVector struct {
	buf  []byte
	pos  int
	n    int
	elem int
}

// vectorField returns the vector in field i, empty when absent.
func (t fbTable) vectorField(i, elem int) (fbVector, error) {
	pos, ok, err := t.target(i)
	if err != nil || !ok {
		return fbVector{}, err
	}
	n, ok := fbU32(t.buf, int(min(pos, int64(len(t.buf)))))
	if !ok {
		return fbVector{}, errFlatbuf(fmt.Sprintf("vector %d out of range", i))
	}
	start := pos + 4
	if int64(n)*int64(elem) > int64(len(t.buf))-start {
		return fbVector{}, errFlatbuf(fmt.Sprintf("vector %d of %d elements overruns the buffer", i, n))
	}
	return fbVector{buf: t.buf, pos: int(start), n: int(n), elem: elem}, nil
}

// int64At reads the int64 at byte offset off of element k.
func (v fbVector) int64At(k, off int) int64 {
	return int64(binary.LittleEndian.Uint64(v.buf[v.pos+k*v.elem+off:]))
}

// int32At reads the int32 at byte offset off of element k.
func (v fbVector) int32At(k, off int) int32 {
	return int32(binary.LittleEndian.Uint32(v.buf[v.pos+k*v.elem+off:]))
}

// tableAt returns the table that element k (an offset) points to.
func (v fbVector) tableAt(k int) (fbTable, error) {
	p := v.pos + k*v.elem
	return fbTableAt(v.buf, int64(p)+int64(binary.LittleEndian.Uint32(v.buf[p:])))
}
