package ingest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// This file makes hostile variants (mutants) of valid seed files, the way
// the mutation campaign of issue 14 did: bit flips, truncation, zeroed,
// duplicated and deleted ranges anywhere or in the metadata, and integers
// of the metadata set to hostile values: sizes, counts, offsets and
// varints in Parquet page headers and footers, lengths and offsets in
// Arrow messages, blocks, buffers and field nodes. mutation_test.go runs
// them.

// fieldEnc is how an integer field is stored.
type fieldEnc uint8

const (
	encZigzag  fieldEnc = iota // thrift i16, i32, i64: a zigzag varint
	encUvarint                 // thrift sizes: a varint
	encListHdr                 // a thrift list header: size in the high nibble, or 15 and a varint
	encLE16                    // flatbuffer vtable entries
	encLE32                    // flatbuffer offsets, vector counts, IPC lengths
	encLE64                    // IPC lengths, offsets, counts
)

// mutField is an integer of a seed worth corrupting.
type mutField struct {
	at, end int // its bytes
	enc     fieldEnc
	what    string
	// fix, for a field whose new encoding has another length (a varint),
	// repairs the file around it: shifts the Parquet offsets after it, or
	// the footer length. nil when nothing needs repair.
	fix func(data []byte, at, delta int) []byte
}

// seedFile is a valid file with what the mutator knows of its layout.
type seedFile struct {
	name    string
	data    []byte
	fields  []mutField
	regions [][2]int // metadata: page headers, footers, IPC messages
}

// mutant is one hostile variant of a seed.
type mutant struct {
	seed, kind string
	data       []byte
}

// mutationKinds are the ways to mutate, drawn with equal weight.
var mutationKinds = []string{
	"flip", "flip-meta", "byte-meta", "truncate", "truncate-meta",
	"zero", "zero-meta", "dup", "dup-meta", "delete", "delete-meta",
	"field", "field", "field", "field-relative", "varint-overlong",
}

// mutate makes one mutant of s.
func (s *seedFile) mutate(rng *rand.Rand) mutant {
	kind := mutationKinds[rng.IntN(len(mutationKinds))]
	if len(s.fields) == 0 && (kind == "field" || kind == "field-relative" || kind == "varint-overlong") {
		kind = "flip-meta"
	}
	d := slices.Clone(s.data)
	lo, hi := 0, len(d)
	if len(s.regions) > 0 && len(kind) > 5 && kind[len(kind)-5:] == "-meta" {
		r := s.regions[rng.IntN(len(s.regions))]
		lo, hi = r[0], r[1]
	}
	switch kind {
	case "flip", "flip-meta":
		for range 1 + rng.IntN(4) {
			p := lo + rng.IntN(max(hi-lo, 1))
			d[p] ^= 1 << rng.IntN(8)
		}
	case "byte-meta":
		d[lo+rng.IntN(max(hi-lo, 1))] = []byte{0, 1, 0x7f, 0x80, 0xff}[rng.IntN(5)]
	case "truncate", "truncate-meta":
		d = d[:lo+rng.IntN(max(hi-lo, 1))]
	case "zero", "zero-meta", "dup", "dup-meta", "delete", "delete-meta":
		a, b := pickRange(rng, lo, hi)
		switch kind[:3] {
		case "zer":
			clear(d[a:b])
		case "dup":
			d = slices.Insert(d, b, slices.Clone(d[a:b])...)
		default:
			d = slices.Delete(d, a, b)
		}
	default:
		f := s.fields[rng.IntN(len(s.fields))]
		kind += ":" + f.what
		d = s.setField(d, f, kind, rng)
	}
	return mutant{seed: s.name, kind: kind, data: d}
}

// pickRange picks a range inside [lo, hi): mostly short, sometimes up to
// 4 KiB.
func pickRange(rng *rand.Rand, lo, hi int) (int, int) {
	n := 1 + rng.IntN(16)
	if rng.IntN(4) == 0 {
		n = 1 + rng.IntN(4096)
	}
	a := lo + rng.IntN(max(hi-lo, 1))
	return a, max(a, min(a+n, hi))
}

// hostileInts are the values a corrupted integer takes.
var hostileInts = []int64{
	0, 1, -1, 2, 7, 8, 255, 256, 4096, math.MaxInt8, math.MaxInt16, math.MaxUint16,
	math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MaxUint32, 1 << 30, 1 << 40,
	math.MaxInt64, math.MinInt64, -8,
}

// setField sets field f of d to a hostile value; kind field-relative
// changes the value it has, varint-overlong writes a varint of 11 bytes.
func (s *seedFile) setField(d []byte, f mutField, kind string, rng *rand.Rand) []byte {
	old := readField(d, f)
	v := hostileInts[rng.IntN(len(hostileInts))]
	switch {
	case kind[:6] == "field-":
		v = []int64{old + 1, old - 1, old * 2, old * 1000, old + 8, old - 8, old + int64(len(d)), -old}[rng.IntN(8)]
	case rng.IntN(4) == 0:
		v = int64(len(d)) + int64(rng.IntN(3)) - 1
	}
	var enc []byte
	switch f.enc {
	case encLE16:
		binary.LittleEndian.PutUint16(d[f.at:], uint16(v))
		return d
	case encLE32:
		binary.LittleEndian.PutUint32(d[f.at:], uint32(v))
		return d
	case encLE64:
		binary.LittleEndian.PutUint64(d[f.at:], uint64(v))
		return d
	case encZigzag:
		enc = binary.AppendUvarint(nil, uint64(v<<1^v>>63))
	case encUvarint:
		enc = binary.AppendUvarint(nil, uint64(v))
	case encListHdr:
		enc = binary.AppendUvarint([]byte{0xf0 | d[f.at]&0x0f}, uint64(v)&math.MaxUint32)
	}
	if kind[:6] == "varint" {
		enc = bytes.Repeat([]byte{0xff}, 11)
		if f.enc == encListHdr {
			enc = append([]byte{0xf0 | d[f.at]&0x0f}, enc...)
		}
	}
	delta := len(enc) - (f.end - f.at)
	out := slices.Concat(d[:f.at], enc, d[f.end:])
	if f.fix != nil && delta != 0 {
		out = f.fix(out, f.at, delta)
	}
	return out
}

// readField reads the value of f in d.
func readField(d []byte, f mutField) int64 {
	switch f.enc {
	case encLE16:
		return int64(binary.LittleEndian.Uint16(d[f.at:]))
	case encLE32:
		return int64(int32(binary.LittleEndian.Uint32(d[f.at:])))
	case encLE64:
		return int64(binary.LittleEndian.Uint64(d[f.at:]))
	case encListHdr:
		if d[f.at]>>4 != 15 {
			return int64(d[f.at] >> 4)
		}
		v, _ := binary.Uvarint(d[f.at+1 : f.end])
		return int64(v)
	}
	v, _ := binary.Uvarint(d[f.at:f.end])
	if f.enc == encZigzag {
		return int64(v>>1) ^ -int64(v&1)
	}
	return int64(v)
}

// newSeed analyses a valid file; a file it cannot analyse gets generic
// mutations only.
func newSeed(name string, data []byte) *seedFile {
	s := &seedFile{name: name, data: data}
	f, err := DetectFormat(bytesSource{data}, int64(len(data)))
	if err != nil {
		return s
	}
	switch f {
	case FormatParquet:
		s.parquetFields()
	case FormatArrowFile:
		s.arrowFileFields()
	case FormatArrowStream:
		s.arrowStreamFields(0)
	}
	slices.SortFunc(s.fields, func(a, b mutField) int { return a.at - b.at })
	s.fields = slices.CompactFunc(s.fields, func(a, b mutField) bool { return a.at == b.at && a.enc == b.enc })
	return s
}

// thriftFields walks the thrift struct at b[at:] and adds its integers and
// sizes as fields; it returns the struct's length.
func (s *seedFile) thriftFields(at int, what string, fix func([]byte, int, int) []byte) int {
	var items []thriftItem
	w := thriftWalker{b: s.data[at:], budget: math.MaxInt64, items: &items}
	if w.structure(0) != nil {
		return 0
	}
	for _, it := range items {
		if it.end <= it.start {
			continue
		}
		enc := map[byte]fieldEnc{thriftBinary: encUvarint, thriftList: encListHdr}[it.kind]
		s.fields = append(s.fields, mutField{at: at + it.start, end: at + it.end, enc: enc, what: what, fix: fix})
	}
	s.regions = append(s.regions, [2]int{at, at + w.pos})
	return w.pos
}

// parquetFields finds the footer and every page header of a Parquet seed.
func (s *seedFile) parquetFields() {
	d := s.data
	n := int(binary.LittleEndian.Uint32(d[len(d)-8:]))
	start := len(d) - 8 - n
	var meta format.FileMetaData
	if start < 4 || decodeFooter(d[start:len(d)-8], &meta) != nil {
		return
	}
	s.fields = append(s.fields, mutField{at: len(d) - 8, end: len(d) - 4, enc: encLE32, what: "footer length"})
	s.thriftFields(start, "footer", fixFooterLength)
	fix := func(out []byte, at, delta int) []byte { return shiftParquet(out, meta, start+delta, at, delta) }
	for _, rg := range meta.RowGroups {
		for _, cc := range rg.Columns {
			md := &cc.MetaData
			pos := md.DataPageOffset
			if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < pos {
				pos = md.DictionaryPageOffset
			}
			end := pos + md.TotalCompressedSize
			for pos < end && end <= int64(start) {
				hl := s.thriftFields(int(pos), "page header", fix)
				var h format.PageHeader
				if hl == 0 || thrift.Unmarshal(new(thrift.CompactProtocol), d[pos:pos+int64(hl)], &h) != nil {
					break
				}
				pos += int64(hl) + int64(h.CompressedPageSize)
			}
		}
	}
}

// fixFooterLength repairs the footer length after the footer changed by
// delta bytes.
func fixFooterLength(out []byte, _, delta int) []byte {
	p := len(out) - 8
	binary.LittleEndian.PutUint32(out[p:], uint32(int(binary.LittleEndian.Uint32(out[p:]))+delta))
	return out
}

// shiftParquet rewrites the footer of out (which starts at footer) after
// the bytes at at grew by delta: offsets past at move, the chunk holding at
// changes size.
func shiftParquet(out []byte, meta format.FileMetaData, footer, at, delta int) []byte {
	shift := func(v *int64) {
		if *v > int64(at) {
			*v += int64(delta)
		}
	}
	rgs := slices.Clone(meta.RowGroups)
	for i := range rgs {
		rgs[i].Columns = slices.Clone(rgs[i].Columns)
		shift(&rgs[i].FileOffset)
		for j := range rgs[i].Columns {
			cc := &rgs[i].Columns[j]
			md := &cc.MetaData
			first := md.DataPageOffset
			if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < first {
				first = md.DictionaryPageOffset
			}
			if first <= int64(at) && int64(at) < first+md.TotalCompressedSize {
				md.TotalCompressedSize += int64(delta)
			}
			for _, v := range []*int64{&cc.FileOffset, &md.DataPageOffset, &md.DictionaryPageOffset, &md.IndexPageOffset, &cc.ColumnIndexOffset, &cc.OffsetIndexOffset, &md.BloomFilterOffset} {
				shift(v)
			}
		}
	}
	meta.RowGroups = rgs
	b, err := thrift.Marshal(new(thrift.CompactProtocol), &meta)
	if err != nil {
		return out
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(b)))
	return slices.Concat(out[:footer], b, []byte("PAR1"))
}

// fbFields adds the scalar fields (index: width) of table t, whose buffer
// starts at base in the file, and its vtable entries.
func (s *seedFile) fbFields(t fbTable, base int, what string, widths map[int]fieldEnc) {
	for i, enc := range widths {
		size := map[fieldEnc]int{encLE16: 2, encLE32: 4, encLE64: 8}[enc]
		if p, ok, err := t.field(i, size); err == nil && ok {
			s.fields = append(s.fields, mutField{at: base + p, end: base + p + size, enc: enc, what: what})
		}
	}
	for k := 0; k+2 <= t.vtLen; k += 2 {
		s.fields = append(s.fields, mutField{at: base + t.vt + k, end: base + t.vt + k + 2, enc: encLE16, what: what + " vtable"})
	}
	s.fields = append(s.fields, mutField{at: base + t.pos, end: base + t.pos + 4, enc: encLE32, what: what + " vtable offset"})
}

// fbVectorFields adds the count of vector field i of t and the fields of
// its elements at the given byte offsets.
func (s *seedFile) fbVectorFields(t fbTable, base, i int, elem int, what string, offs map[int]fieldEnc) {
	v, err := t.vectorField(i, elem)
	if err != nil || v.n == 0 && v.pos == 0 {
		return
	}
	s.fields = append(s.fields, mutField{at: base + v.pos - 4, end: base + v.pos, enc: encLE32, what: what + " count"})
	for k := 0; k < v.n; k++ {
		for off, enc := range offs {
			size := map[fieldEnc]int{encLE32: 4, encLE64: 8}[enc]
			p := base + v.pos + k*elem + off
			s.fields = append(s.fields, mutField{at: p, end: p + size, enc: enc, what: what})
		}
	}
}

// arrowMessageFields adds the fields of the message whose flatbuffer is
// meta, at base in the file, with its body at body.
func (s *seedFile) arrowMessageFields(meta []byte, base, body int) {
	m, err := parseMessage(meta)
	if err != nil {
		return
	}
	root, _ := fbRoot(meta)
	s.fields = append(s.fields, mutField{at: base, end: base + 4, enc: encLE32, what: "message root offset"})
	s.fbFields(root, base, "message", map[int]fieldEnc{0: encLE16, 3: encLE64})
	s.regions = append(s.regions, [2]int{base, base + len(meta)})
	if m.kind == msgSchema {
		return
	}
	rb, _, err := batchHeader(m)
	if err != nil {
		return
	}
	s.fbFields(rb, base, "record batch", map[int]fieldEnc{0: encLE64})
	s.fbVectorFields(rb, base, 1, 16, "field node", map[int]fieldEnc{0: encLE64, 8: encLE64})
	s.fbVectorFields(rb, base, 2, 16, "buffer", map[int]fieldEnc{0: encLE64, 8: encLE64})
	s.fbVectorFields(rb, base, 4, 8, "variadic count", map[int]fieldEnc{0: encLE64})
	codec, _ := batchCodec(rb)
	bufs, _ := rb.vectorField(2, 16)
	for k := 0; codec >= 0 && k < bufs.n; k++ {
		if off, n := bufs.int64At(k, 0), bufs.int64At(k, 8); n >= 8 && body+int(off)+8 <= len(s.data) {
			p := body + int(off)
			s.fields = append(s.fields, mutField{at: p, end: p + 8, enc: encLE64, what: "uncompressed length"})
		}
	}
}

// arrowFileFields finds the footer, the blocks and every message of an IPC
// file seed.
func (s *seedFile) arrowFileFields() {
	d := s.data
	var dec ipcFileDecoder
	blocks, err := dec.checkFooter(bytesSource{d}, base.WithDefaults(Limits{}))
	if err != nil {
		return
	}
	n := int(binary.LittleEndian.Uint32(d[len(d)-ipcTrailer:]))
	start := len(d) - ipcTrailer - n
	s.fields = append(s.fields, mutField{at: len(d) - ipcTrailer, end: len(d) - ipcTrailer + 4, enc: encLE32, what: "footer length"})
	s.regions = append(s.regions, [2]int{start, len(d)})
	if root, err := fbRoot(d[start : start+n]); err == nil {
		s.fbFields(root, start, "footer", nil)
		for _, f := range []int{2, 3} {
			s.fbVectorFields(root, start, f, 24, "block", map[int]fieldEnc{0: encLE64, 8: encLE32, 16: encLE64})
		}
	}
	for _, b := range blocks {
		off := int(b.off)
		s.fields = append(s.fields,
			mutField{at: off, end: off + 4, enc: encLE32, what: "continuation"},
			mutField{at: off + 4, end: off + 8, enc: encLE32, what: "metadata length"})
		s.arrowMessageFields(d[off+8:off+int(b.meta)], off+8, off+int(b.meta))
	}
	if len(blocks) > 0 {
		s.arrowStreamFields(8) // the stream of messages after the magic
	}
}

// arrowStreamFields walks the messages of a stream starting at pos.
func (s *seedFile) arrowStreamFields(pos int) {
	d := s.data
	lim := base.WithDefaults(Limits{})
	for k := 0; k < 1000; k++ {
		m, err := readStreamMessage(bytesSource{d}, int64(pos), lim)
		if err != nil || m.eos {
			return
		}
		hdr := int(m.body) - len(m.header.buf) - pos
		s.fields = append(s.fields, mutField{at: pos + hdr - 4, end: pos + hdr, enc: encLE32, what: "metadata length"})
		s.arrowMessageFields(d[pos+hdr:m.body], pos+hdr, int(m.body))
		pos = int(m.next)
	}
}

// String describes a seed for test logs.
func (s *seedFile) String() string {
	return fmt.Sprintf("%s (%d bytes, %d fields, %d regions)", s.name, len(s.data), len(s.fields), len(s.regions))
}
