package ipcdec

import (
	"encoding/binary"

	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// This file finds the integers of an Arrow IPC seed worth corrupting for
// the mutation engine (ingesttest.Seed): lengths and offsets in messages,
// blocks, buffers and field nodes. mutation_test.go runs the campaign.

// newSeed analyses a valid file; a file it cannot analyse gets generic
// mutations only.
func newSeed(name string, data []byte) *ingesttest.Seed {
	s := &ingesttest.Seed{Name: name, Data: data}
	f, err := base.DetectFormat(ingesttest.BytesSource(data), int64(len(data)))
	if err != nil {
		return s
	}
	switch f {
	case base.FormatArrowFile:
		arrowFileFields(s)
	case base.FormatArrowStream:
		arrowStreamFields(s, 0)
	}
	s.Finish()
	return s
}

// fbFields adds the scalar fields (index: width) of table t, whose buffer
// starts at start in the file, and its vtable entries.
func fbFields(s *ingesttest.Seed, t fbTable, start int, what string, widths map[int]ingesttest.FieldEnc) {
	for i, enc := range widths {
		size := map[ingesttest.FieldEnc]int{ingesttest.EncLE16: 2, ingesttest.EncLE32: 4, ingesttest.EncLE64: 8}[enc]
		if p, ok, err := t.field(i, size); err == nil && ok {
			s.Fields = append(s.Fields, ingesttest.Field{At: start + p, End: start + p + size, Enc: enc, What: what})
		}
	}
	for k := 0; k+2 <= t.vtLen; k += 2 {
		s.Fields = append(s.Fields, ingesttest.Field{At: start + t.vt + k, End: start + t.vt + k + 2, Enc: ingesttest.EncLE16, What: what + " vtable"})
	}
	s.Fields = append(s.Fields, ingesttest.Field{At: start + t.pos, End: start + t.pos + 4, Enc: ingesttest.EncLE32, What: what + " vtable offset"})
}

// fbVectorFields adds the count of vector field i of t and the fields of
// its elements at the given byte offsets.
func fbVectorFields(s *ingesttest.Seed, t fbTable, start, i int, elem int, what string, offs map[int]ingesttest.FieldEnc) {
	v, err := t.vectorField(i, elem)
	if err != nil || v.n == 0 && v.pos == 0 {
		return
	}
	s.Fields = append(s.Fields, ingesttest.Field{At: start + v.pos - 4, End: start + v.pos, Enc: ingesttest.EncLE32, What: what + " count"})
	for k := 0; k < v.n; k++ {
		for off, enc := range offs {
			size := map[ingesttest.FieldEnc]int{ingesttest.EncLE32: 4, ingesttest.EncLE64: 8}[enc]
			p := start + v.pos + k*elem + off
			s.Fields = append(s.Fields, ingesttest.Field{At: p, End: p + size, Enc: enc, What: what})
		}
	}
}

// arrowMessageFields adds the fields of the message whose flatbuffer is
// meta, at start in the file, with its body at body.
func arrowMessageFields(s *ingesttest.Seed, meta []byte, start, body int) {
	m, err := parseMessage(meta)
	if err != nil {
		return
	}
	root, _ := fbRoot(meta)
	s.Fields = append(s.Fields, ingesttest.Field{At: start, End: start + 4, Enc: ingesttest.EncLE32, What: "message root offset"})
	fbFields(s, root, start, "message", map[int]ingesttest.FieldEnc{0: ingesttest.EncLE16, 3: ingesttest.EncLE64})
	s.Regions = append(s.Regions, [2]int{start, start + len(meta)})
	if m.kind == msgSchema {
		return
	}
	rb, _, err := batchHeader(m)
	if err != nil {
		return
	}
	fbFields(s, rb, start, "record batch", map[int]ingesttest.FieldEnc{0: ingesttest.EncLE64})
	fbVectorFields(s, rb, start, 1, 16, "field node", map[int]ingesttest.FieldEnc{0: ingesttest.EncLE64, 8: ingesttest.EncLE64})
	fbVectorFields(s, rb, start, 2, 16, "buffer", map[int]ingesttest.FieldEnc{0: ingesttest.EncLE64, 8: ingesttest.EncLE64})
	fbVectorFields(s, rb, start, 4, 8, "variadic count", map[int]ingesttest.FieldEnc{0: ingesttest.EncLE64})
	codec, _ := batchCodec(rb)
	bufs, _ := rb.vectorField(2, 16)
	for k := 0; codec >= 0 && k < bufs.n; k++ {
		if off, n := bufs.int64At(k, 0), bufs.int64At(k, 8); n >= 8 && body+int(off)+8 <= len(s.Data) {
			p := body + int(off)
			s.Fields = append(s.Fields, ingesttest.Field{At: p, End: p + 8, Enc: ingesttest.EncLE64, What: "uncompressed length"})
		}
	}
}

// arrowFileFields finds the footer, the blocks and every message of an IPC
// file seed.
func arrowFileFields(s *ingesttest.Seed) {
	d := s.Data
	var dec FileDecoder
	blocks, err := dec.checkFooter(ingesttest.BytesSource(d), base.WithDefaults(base.Limits{}))
	if err != nil {
		return
	}
	n := int(binary.LittleEndian.Uint32(d[len(d)-ipcTrailer:]))
	start := len(d) - ipcTrailer - n
	s.Fields = append(s.Fields, ingesttest.Field{At: len(d) - ipcTrailer, End: len(d) - ipcTrailer + 4, Enc: ingesttest.EncLE32, What: "footer length"})
	s.Regions = append(s.Regions, [2]int{start, len(d)})
	if root, err := fbRoot(d[start : start+n]); err == nil {
		fbFields(s, root, start, "footer", nil)
		for _, f := range []int{2, 3} {
			fbVectorFields(s, root, start, f, 24, "block", map[int]ingesttest.FieldEnc{0: ingesttest.EncLE64, 8: ingesttest.EncLE32, 16: ingesttest.EncLE64})
		}
	}
	for _, b := range blocks {
		off := int(b.off)
		s.Fields = append(s.Fields,
			ingesttest.Field{At: off, End: off + 4, Enc: ingesttest.EncLE32, What: "continuation"},
			ingesttest.Field{At: off + 4, End: off + 8, Enc: ingesttest.EncLE32, What: "metadata length"})
		arrowMessageFields(s, d[off+8:off+int(b.meta)], off+8, off+int(b.meta))
	}
	if len(blocks) > 0 {
		arrowStreamFields(s, 8) // the stream of messages after the magic
	}
}

// arrowStreamFields walks the messages of a stream starting at pos.
func arrowStreamFields(s *ingesttest.Seed, pos int) {
	d := s.Data
	lim := base.WithDefaults(base.Limits{})
	for k := 0; k < 1000; k++ {
		m, err := readStreamMessage(ingesttest.BytesSource(d), int64(pos), lim)
		if err != nil || m.eos {
			return
		}
		hdr := int(m.body) - len(m.header.buf) - pos
		s.Fields = append(s.Fields, ingesttest.Field{At: pos + hdr - 4, End: pos + hdr, Enc: ingesttest.EncLE32, What: "metadata length"})
		arrowMessageFields(s, d[pos+hdr:m.body], pos+hdr, int(m.body))
		pos = int(m.next)
	}
}
