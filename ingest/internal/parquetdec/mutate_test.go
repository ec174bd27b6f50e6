package parquetdec

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
	"github.com/refit-ml/refit/ingest/internal/ingesttest"
)

// This file finds the integers of a Parquet seed worth corrupting for the
// mutation engine (ingesttest.Seed): sizes, counts, offsets and varints in
// page headers and footers. mutation_test.go runs the campaign.

// newSeed analyses a valid file; a file it cannot analyse gets generic
// mutations only.
func newSeed(name string, data []byte) *ingesttest.Seed {
	s := &ingesttest.Seed{Name: name, Data: data}
	f, err := base.DetectFormat(ingesttest.BytesSource(data), int64(len(data)))
	if err != nil {
		return s
	}
	if f == base.FormatParquet {
		parquetFields(s)
	}
	s.Finish()
	return s
}

// thriftFields walks the thrift struct at b[at:] and adds its integers and
// sizes as fields; it returns the struct's length.
func thriftFields(s *ingesttest.Seed, at int, what string, fix func([]byte, int, int) []byte) int {
	var items []thriftItem
	w := thriftWalker{b: s.Data[at:], budget: math.MaxInt64, items: &items}
	if w.structure(0) != nil {
		return 0
	}
	for _, it := range items {
		if it.end <= it.start {
			continue
		}
		enc := map[byte]ingesttest.FieldEnc{thriftBinary: ingesttest.EncUvarint, thriftList: ingesttest.EncListHdr}[it.kind]
		s.Fields = append(s.Fields, ingesttest.Field{At: at + it.start, End: at + it.end, Enc: enc, What: what, Fix: fix})
	}
	s.Regions = append(s.Regions, [2]int{at, at + w.pos})
	return w.pos
}

// parquetFields finds the footer and every page header of a Parquet seed.
func parquetFields(s *ingesttest.Seed) {
	d := s.Data
	n := int(binary.LittleEndian.Uint32(d[len(d)-8:]))
	start := len(d) - 8 - n
	var meta format.FileMetaData
	if start < 4 || decodeFooter(d[start:len(d)-8], &meta) != nil {
		return
	}
	s.Fields = append(s.Fields, ingesttest.Field{At: len(d) - 8, End: len(d) - 4, Enc: ingesttest.EncLE32, What: "footer length"})
	thriftFields(s, start, "footer", fixFooterLength)
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
				hl := thriftFields(s, int(pos), "page header", fix)
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
