package ingest

import (
	"encoding/binary"
	"hash/crc32"
	"math/bits"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// leafData is one column chunk decoded: levels for every entry and the
// dense non-null values.
type leafData struct {
	leaf  *pqLeaf
	n     int     // level entries
	defs  []uint8 // nil when maxDef is 0
	reps  []uint8 // nil when maxRep is 0
	nvals int     // non-null values
	vals  []byte  // fixed-width values (booleans one byte each)
	data  []byte  // byte arrays
	offs  []int32 // byte arrays: nvals+1 end offsets, unless dictMode or leaf.large
	// offs64 replaces offs for a leaf.large leaf.
	offs64 []int64
	// dictMode: every byte array page so far was dictionary encoded; the
	// values are idx into dictData/dictOffs.
	dictMode bool
	dictData []byte
	dictOffs []int32
	idx      []int32
}

// chunkReader decodes the pages of one column chunk.
type chunkReader struct {
	leaf  *pqLeaf
	md    *format.ColumnMetaData
	lim   Limits
	rows  int64
	out   *leafData
	proto thrift.CompactProtocol

	hasDict  bool
	dictN    int
	dictVals []byte  // fixed-width dictionary
	dictData []byte  // byte array dictionary
	dictOffs []int32 //
	scratch  []byte  // decompressed page
	scratch2 []byte  // decompressed v2 values
	idx      []int32 // dictionary indices of a page
	lv       []int32 // bit-unpacking scratch
}

func newChunkReader(leaf *pqLeaf, md *format.ColumnMetaData, lim Limits, rows int64) *chunkReader {
	return &chunkReader{leaf: leaf, md: md, lim: lim, rows: rows, out: &leafData{leaf: leaf}}
}

// capHint bounds a pre-allocation by what the chunk bytes could plausibly
// hold, so that a lying row count cannot make refit allocate.
func capHint(rows int64, chunkBytes int) int {
	return int(min(rows, int64(chunkBytes)*64+4096))
}

// decode walks the pages of the chunk bytes buf.
func (c *chunkReader) decode(buf []byte) (*leafData, error) {
	hint := capHint(c.rows, len(buf))
	if c.leaf.maxDef > 0 {
		c.out.defs = make([]uint8, 0, hint)
	}
	if c.leaf.maxRep > 0 {
		c.out.reps = make([]uint8, 0, hint)
	}
	if c.leaf.phys != format.ByteArray {
		c.out.vals = make([]byte, 0, hint*max(c.leaf.width, 1))
	} else if c.leaf.large {
		c.out.offs64 = append(make([]int64, 0, hint+1), 0)
	} else {
		c.out.offs = append(make([]int32, 0, hint+1), 0)
	}
	for pos := 0; pos < len(buf); {
		if c.md.NumValues > 0 && int64(c.out.n) >= c.md.NumValues {
			break
		}
		n, err := c.page(buf[pos:])
		if err != nil {
			return nil, err
		}
		pos += n
	}
	return c.out, c.checkRows()
}

// checkRows compares the decoded entries with the row group's row count.
func (c *chunkReader) checkRows() error {
	rows := int64(c.out.n)
	if c.leaf.maxRep > 0 {
		rows = 0
		for _, r := range c.out.reps {
			if r == 0 {
				rows++
			}
		}
	}
	if rows != c.rows {
		return corruptf("column chunk has %d rows, row group has %d", rows, c.rows)
	}
	return nil
}

// page decodes the page at the start of b and returns the bytes it spans.
func (c *chunkReader) page(b []byte) (int, error) {
	var h format.PageHeader
	r := c.proto.NewReaderFromBytes(b)
	if err := thrift.NewDecoder(r).Decode(&h); err != nil {
		return 0, corruptf("decoding page header: %v", err)
	}
	hl := r.BytesRead()
	if err := c.checkHeader(&h, len(b)-hl); err != nil {
		return 0, err
	}
	body := b[hl : hl+int(h.CompressedPageSize)]
	if h.CRC != 0 && uint32(h.CRC) != crc32.ChecksumIEEE(body) {
		return 0, corruptf("page checksum mismatch")
	}
	var err error
	switch h.Type {
	case format.DictionaryPage:
		err = c.dictPage(&h, body)
	case format.DataPage:
		err = c.dataPageV1(&h, body)
	case format.DataPageV2:
		err = c.dataPageV2(&h, body)
	}
	return hl + int(h.CompressedPageSize), err
}

// checkHeader refuses sizes that are negative, beyond the chunk or beyond
// Limits.MaxPageBytes.
func (c *chunkReader) checkHeader(h *format.PageHeader, left int) error {
	comp, unc := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
	if comp < 0 || unc < 0 {
		return corruptf("page header claims negative sizes (%d, %d)", comp, unc)
	}
	if comp > c.lim.MaxPageBytes || unc > c.lim.MaxPageBytes {
		return limitf("page of %d compressed and %d uncompressed bytes exceeds the limit of %d", comp, unc, c.lim.MaxPageBytes)
	}
	if comp > int64(left) {
		return limitf("page of %d bytes runs past the end of its column chunk (%d bytes left)", comp, left)
	}
	return nil
}

// checkCount refuses a page claiming more entries than it may allocate.
func (c *chunkReader) checkCount(n int32) error {
	if n < 0 {
		return corruptf("page claims %d values", n)
	}
	w := int64(max(c.leaf.width, 4) + 1)
	if int64(n)*w > c.lim.MaxPageBytes {
		return limitf("page of %d values exceeds the limit of %d bytes", n, c.lim.MaxPageBytes)
	}
	if c.leaf.maxRep == 0 && int64(c.out.n)+int64(n) > c.rows {
		return corruptf("column chunk has more values than the row group's %d rows", c.rows)
	}
	return nil
}

func (c *chunkReader) dictPage(h *format.PageHeader, body []byte) error {
	if !h.DictionaryPageHeader.Valid {
		return corruptf("dictionary page without header")
	}
	dh := h.DictionaryPageHeader.V
	if dh.NumValues < 0 || int64(dh.NumValues)*int64(max(c.leaf.width, 4)) > c.lim.MaxPageBytes {
		return corruptf("dictionary page claims %d values", dh.NumValues)
	}
	// PLAIN_DICTIONARY is deprecated for writers, but older files use it.
	//lint:ignore SA1019 reading files written with the deprecated encoding
	if dh.Encoding != format.Plain && dh.Encoding != format.PlainDictionary {
		return unsupportedEncoding(dh.Encoding)
	}
	data, err := decompress(c.md.Codec, &c.scratch, body, int(h.UncompressedPageSize))
	if err != nil {
		return err
	}
	n := int(dh.NumValues)
	if c.leaf.phys == format.ByteArray {
		c.dictData, c.dictOffs, err = plainByteArrays(data, n, nil, []int32{0})
		c.dictData = append([]byte(nil), c.dictData...)
	} else {
		c.dictVals, err = plainFixed(c.leaf, data, n, nil)
	}
	c.hasDict, c.dictN = err == nil, n
	return err
}

func (c *chunkReader) dataPageV1(h *format.PageHeader, body []byte) error {
	if !h.DataPageHeader.Valid {
		return corruptf("data page without header")
	}
	dh := &h.DataPageHeader.V
	if err := c.checkCount(dh.NumValues); err != nil {
		return err
	}
	data, err := decompress(c.md.Codec, &c.scratch, body, int(h.UncompressedPageSize))
	if err != nil {
		return err
	}
	n := int(dh.NumValues)
	if c.leaf.maxRep > 0 {
		if c.out.reps, data, err = c.levelsV1(c.out.reps, data, dh.RepetitionLevelEncoding, c.leaf.maxRep, n); err != nil {
			return err
		}
	}
	if c.leaf.maxDef > 0 {
		if c.out.defs, data, err = c.levelsV1(c.out.defs, data, dh.DefinitionLevelEncoding, c.leaf.maxDef, n); err != nil {
			return err
		}
	}
	return c.values(dh.Encoding, data, n)
}

func (c *chunkReader) dataPageV2(h *format.PageHeader, body []byte) error {
	if !h.DataPageHeaderV2.Valid {
		return corruptf("data page v2 without header")
	}
	dh := &h.DataPageHeaderV2.V
	if err := c.checkCount(dh.NumValues); err != nil {
		return err
	}
	rl, dl := int(dh.RepetitionLevelsByteLength), int(dh.DefinitionLevelsByteLength)
	if rl < 0 || dl < 0 || rl+dl > len(body) || rl+dl > int(h.UncompressedPageSize) {
		return corruptf("data page v2 level lengths %d+%d exceed the page of %d bytes", rl, dl, len(body))
	}
	n := int(dh.NumValues)
	var err error
	if c.leaf.maxRep > 0 {
		if c.out.reps, err = c.levels(c.out.reps, body[:rl], c.leaf.maxRep, n); err != nil {
			return err
		}
	}
	if c.leaf.maxDef > 0 {
		if c.out.defs, err = c.levels(c.out.defs, body[rl:rl+dl], c.leaf.maxDef, n); err != nil {
			return err
		}
	}
	data := body[rl+dl:]
	if !dh.IsCompressed.Valid || dh.IsCompressed.V {
		if data, err = decompress(c.md.Codec, &c.scratch2, data, int(h.UncompressedPageSize)-rl-dl); err != nil {
			return err
		}
	}
	return c.values(dh.Encoding, data, n)
}

// levelsV1 decodes the levels of a v1 page: RLE with a 4-byte length
// prefix, or the deprecated BIT_PACKED encoding.
func (c *chunkReader) levelsV1(dst []uint8, data []byte, enc format.Encoding, maxLevel int16, n int) ([]uint8, []byte, error) {
	switch enc {
	case format.RLE:
		if len(data) < 4 {
			return dst, nil, corruptf("levels truncated")
		}
		l := int(binary.LittleEndian.Uint32(data))
		if l < 0 || l > len(data)-4 {
			return dst, nil, corruptf("levels of %d bytes exceed the page", l)
		}
		dst, err := c.levels(dst, data[4:4+l], maxLevel, n)
		return dst, data[4+l:], err
	case format.BitPacked:
		return bitPackedLevels(dst, data, maxLevel, n)
	}
	return dst, nil, unsupportedEncoding(enc)
}

// levels decodes n RLE/bit-packed hybrid levels and checks them against
// maxLevel.
func (c *chunkReader) levels(dst []uint8, src []byte, maxLevel int16, n int) ([]uint8, error) {
	base := len(dst)
	dst, err := rleDecode(dst, src, uint(bits.Len16(uint16(maxLevel))), n, &c.lv)
	if err != nil {
		return dst, err
	}
	for _, l := range dst[base:] {
		if int16(l) > maxLevel {
			return dst, corruptf("level %d exceeds the maximum %d", l, maxLevel)
		}
	}
	return dst, nil
}

// bitPackedLevels decodes the deprecated BIT_PACKED level encoding (most
// significant bit first).
func bitPackedLevels(dst []uint8, data []byte, maxLevel int16, n int) ([]uint8, []byte, error) {
	bw := bits.Len16(uint16(maxLevel))
	nb := (n*bw + 7) / 8
	if nb > len(data) {
		return dst, nil, corruptf("bit-packed levels truncated")
	}
	for i := range n {
		v := 0
		for b := range bw {
			bit := i*bw + b
			v = v<<1 | int(data[bit/8]>>(7-bit%8)&1)
		}
		if v > int(maxLevel) {
			return dst, nil, corruptf("level %d exceeds the maximum %d", v, maxLevel)
		}
		dst = append(dst, uint8(v))
	}
	return dst, data[nb:], nil
}

// values decodes the non-null values of a page of n entries.
func (c *chunkReader) values(enc format.Encoding, data []byte, n int) error {
	nn := n
	if c.leaf.maxDef > 0 {
		nn = 0
		md := uint8(c.leaf.maxDef)
		for _, d := range c.out.defs[len(c.out.defs)-n:] {
			if d == md {
				nn++
			}
		}
	}
	c.out.n += n
	var err error
	switch enc {
	case format.Plain:
		err = c.plain(data, nn)
	//lint:ignore SA1019 older files use the deprecated PLAIN_DICTIONARY for data pages
	case format.PlainDictionary, format.RLEDictionary:
		err = c.dictIndices(data, nn)
	case format.RLE:
		err = c.rleBooleans(data, nn)
	default:
		err = c.otherEncoding(enc, data, nn)
	}
	c.out.nvals += nn
	return err
}
