package serve

import (
	"fmt"

	flatbuffers "github.com/google/flatbuffers/go"
)

// The IPC metadata is a flatbuffer, which arrow's Go reader trusts: a
// vector length is used as is in make(). verifyMeta checks every vector
// the reader sizes allocations from against the bytes that would hold
// it, so that a small hostile message cannot ask for gigabytes. Offsets
// out of range panic in the flatbuffers runtime; arrowBatches recovers
// them as a bad request. Table slots are from Arrow's Message.fbs and
// Schema.fbs.

// Message header types (Message.fbs MessageHeader) and the Union type
// (Schema.fbs Type).
const (
	headerSchema     = 1
	headerDictionary = 2
	headerRecord     = 3
	typeUnion        = 14
)

// maxDepth bounds nested fields.
const maxDepth = 64

func verifyMeta(meta []byte) error {
	if len(meta) < 4 {
		return fmt.Errorf("message metadata of %d bytes", len(meta))
	}
	msg := &flatbuffers.Table{Bytes: meta, Pos: flatbuffers.GetUOffsetT(meta)}
	if err := vector(msg, 4, 4, keyValues); err != nil { // custom_metadata
		return err
	}
	o, to := msg.Offset(slot(2)), msg.Offset(slot(1)) // header, header_type
	if o == 0 || to == 0 {
		return nil
	}
	var header flatbuffers.Table
	msg.Union(&header, flatbuffers.UOffsetT(o))
	switch msg.GetByte(msg.Pos + flatbuffers.UOffsetT(to)) {
	case headerSchema:
		return schemaTable(&header)
	case headerRecord:
		return recordBatch(&header)
	case headerDictionary:
		if o := header.Offset(slot(1)); o != 0 {
			var rb flatbuffers.Table
			rb.Bytes, rb.Pos = header.Bytes, header.Indirect(header.Pos+flatbuffers.UOffsetT(o))
			return recordBatch(&rb)
		}
	}
	return nil
}

func slot(i int) flatbuffers.VOffsetT { return flatbuffers.VOffsetT(4 + 2*i) }

// vector checks that the vector in slot i of t, of elements of size
// bytes, fits in the buffer, and calls each (if not nil) on its tables.
func vector(t *flatbuffers.Table, i, size int, each func(*flatbuffers.Table, int) error, depth ...int) error {
	o := t.Offset(slot(i))
	if o == 0 {
		return nil
	}
	start, n := t.Vector(flatbuffers.UOffsetT(o)), t.VectorLen(flatbuffers.UOffsetT(o))
	if n < 0 || int(start)+n*size > len(t.Bytes) {
		return fmt.Errorf("a vector of %d elements in a message of %d bytes", n, len(t.Bytes))
	}
	if each == nil {
		return nil
	}
	d := 0
	if len(depth) > 0 {
		d = depth[0]
	}
	for j := range n {
		elem := &flatbuffers.Table{Bytes: t.Bytes, Pos: t.Indirect(start + flatbuffers.UOffsetT(4*j))}
		if err := each(elem, d); err != nil {
			return err
		}
	}
	return nil
}

func keyValues(kv *flatbuffers.Table, _ int) error {
	if err := vector(kv, 0, 1, nil); err != nil {
		return err
	}
	return vector(kv, 1, 1, nil)
}

func schemaTable(s *flatbuffers.Table) error {
	if err := vector(s, 1, 4, field, 0); err != nil {
		return err
	}
	if err := vector(s, 2, 4, keyValues); err != nil {
		return err
	}
	return vector(s, 3, 8, nil)
}

func field(f *flatbuffers.Table, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("fields nested deeper than %d", maxDepth)
	}
	if err := vector(f, 0, 1, nil); err != nil { // name
		return err
	}
	if o := f.Offset(slot(2)); o != 0 && f.GetByte(f.Pos+flatbuffers.UOffsetT(o)) == typeUnion {
		if o := f.Offset(slot(3)); o != 0 {
			var u flatbuffers.Table
			f.Union(&u, flatbuffers.UOffsetT(o))
			if err := vector(&u, 1, 4, nil); err != nil { // typeIds
				return err
			}
		}
	}
	if err := vector(f, 5, 4, func(c *flatbuffers.Table, d int) error { return field(c, d+1) }, depth); err != nil {
		return err
	}
	return vector(f, 6, 4, keyValues)
}

func recordBatch(rb *flatbuffers.Table) error {
	if err := vector(rb, 1, 16, nil); err != nil { // nodes
		return err
	}
	if err := vector(rb, 2, 16, nil); err != nil { // buffers
		return err
	}
	return vector(rb, 4, 8, nil) // variadicBufferCounts
}
