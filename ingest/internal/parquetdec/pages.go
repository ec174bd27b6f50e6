package parquetdec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"

	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// chunkReader decodes the pages of one column chunk, one at a time, into
// out, from which take cuts batches of whole rows.
type chunkReader struct {
	leaf  *pqLeaf
	md    *format.ColumnMetaData
	lim   base.Limits
	rows  int64 // rows of the row group
	out   *leafData
	proto thrift.CompactProtocol

	src      base.Source
	pos, end int64 // the next page and the end of the chunk in src
	page     int   // pages read
	done     bool  // no page left
	seen     int64 // level entries decoded
	started  int64 // rows started: entries with repetition level 0
	starts   int64 // rows started in out

	hasDict  bool
	dictN    int
	dictVals []byte  // fixed-width dictionary
	dictData []byte  // byte array dictionary
	dictOffs []int32 //
	head     []byte  // page header bytes
	body     []byte  // compressed page
	scratch  []byte  // decompressed page
	scratch2 []byte  // decompressed v2 values
	idx      []int32 // dictionary indices of a page
	lv       []int32 // bit-unpacking scratch
}

// newChunkReader reads the chunk of leaf at [start, end) of src.
func newChunkReader(leaf *pqLeaf, md *format.ColumnMetaData, lim base.Limits, rows int64, src base.Source, start, end int64) *chunkReader {
	c := &chunkReader{leaf: leaf, md: md, lim: lim, rows: rows, src: src, pos: start, end: end}
	c.out = newLeafData(leaf)
	return c
}

// avail is the number of whole rows in out: the last row started may go on
// in the next page until the chunk ends.
func (c *chunkReader) avail() int64 {
	if c.leaf.maxRep == 0 {
		return int64(c.out.n)
	}
	if c.done || c.starts == 0 {
		return c.starts
	}
	return c.starts - 1
}

// fill decodes pages until out holds at least k whole rows or the chunk
// ends.
func (c *chunkReader) fill(k int64) error {
	for !c.done && c.avail() < k {
		if err := c.next(); err != nil {
			return err
		}
	}
	return nil
}

// next decodes the next page, or marks the chunk done when none is left:
// at its end, or once its num_values entries are read.
func (c *chunkReader) next() error {
	if c.pos >= c.end || c.md.NumValues > 0 && c.seen >= c.md.NumValues {
		c.done = true
		return c.checkRows()
	}
	at, n0 := c.pos, c.out.n
	n, err := c.readPage()
	if err != nil {
		return fmt.Errorf("page %d at offset %d: %w", c.page, at, err)
	}
	c.page++
	c.pos += int64(n)
	added := c.out.n - n0
	c.seen += int64(added)
	if c.leaf.maxRep == 0 {
		c.started += int64(added)
		return nil
	}
	for _, r := range c.out.reps[n0:] {
		if r == 0 {
			c.starts++
			c.started++
		}
	}
	return nil
}

// checkRows compares the rows of the chunk with the row group's row count.
func (c *chunkReader) checkRows() error {
	if c.started != c.rows {
		return base.Corruptf("column chunk has %d rows, row group has %d", c.started, c.rows)
	}
	return nil
}

// readPage reads and decodes the page at c.pos, returning the bytes it
// spans.
func (c *chunkReader) readPage() (int, error) {
	h, hl, err := c.readHeader()
	if err != nil {
		return 0, err
	}
	if err := c.checkHeader(&h, c.end-c.pos-int64(hl)); err != nil {
		return 0, err
	}
	n := int(h.CompressedPageSize)
	if cap(c.body) < n {
		c.body = make([]byte, n)
	}
	body := c.body[:n]
	if _, err := c.src.ReadAt(body, c.pos+int64(hl)); err != nil && !(err == io.EOF && n == 0) {
		return 0, fmt.Errorf("reading page: %w", err)
	}
	if h.CRC != 0 && uint32(h.CRC) != crc32.ChecksumIEEE(body) {
		return 0, base.Corruptf("page checksum mismatch")
	}
	switch h.Type {
	case format.DictionaryPage:
		err = c.dictPage(&h, body)
	case format.DataPage:
		err = c.dataPageV1(&h, body)
	case format.DataPageV2:
		err = c.dataPageV2(&h, body)
	}
	return hl + n, err
}

// headerRead is the first read of a page header; a header that does not
// decode from it is read again from twice as many bytes, up to the chunk's
// end or MaxMetadataBytes.
const headerRead = 16 << 10

// readHeader decodes the page header at c.pos and returns its length.
func (c *chunkReader) readHeader() (format.PageHeader, int, error) {
	left := c.end - c.pos
	for size := min(left, headerRead); ; size = min(2*size, left, c.lim.MaxMetadataBytes) {
		if int64(cap(c.head)) < size {
			c.head = make([]byte, size)
		}
		b := c.head[:size]
		if _, err := c.src.ReadAt(b, c.pos); err != nil && err != io.EOF {
			return format.PageHeader{}, 0, fmt.Errorf("reading page header: %w", err)
		}
		if err := checkThrift(b); err != nil {
			if size < left && size < c.lim.MaxMetadataBytes && errors.Is(err, errThriftShort) {
				continue
			}
			return format.PageHeader{}, 0, thriftErr("page header", err)
		}
		var h format.PageHeader
		r := c.proto.NewReaderFromBytes(b)
		if err := thrift.NewDecoder(r).Decode(&h); err != nil {
			return h, 0, base.Corruptf("decoding page header: %v", err)
		}
		return h, r.BytesRead(), nil
	}
}

// checkHeader refuses sizes that are negative, beyond the chunk, beyond
// Limits.MaxPageBytes, or that expand more than Limits.MaxRatio allows.
func (c *chunkReader) checkHeader(h *format.PageHeader, left int64) error {
	comp, unc := int64(h.CompressedPageSize), int64(h.UncompressedPageSize)
	if comp < 0 || unc < 0 {
		return base.Corruptf("page header claims negative sizes (%d, %d)", comp, unc)
	}
	if comp > c.lim.MaxPageBytes || unc > c.lim.MaxPageBytes {
		return base.Limitf("page of %d compressed and %d uncompressed bytes exceeds the limit of %d", comp, unc, c.lim.MaxPageBytes)
	}
	if comp > left {
		return base.Limitf("page of %d bytes runs past the end of its column chunk (%d bytes left)", comp, left)
	}
	if c.md.Codec != format.Uncompressed {
		return base.CheckRatio(c.lim, "page", comp, unc)
	}
	return nil
}

// checkCount refuses a page claiming more entries than it may allocate.
func (c *chunkReader) checkCount(n int32) error {
	if n < 0 {
		return base.Corruptf("page claims %d values", n)
	}
	w := int64(max(c.leaf.width, 4) + 1)
	if int64(n)*w > c.lim.MaxPageBytes {
		return base.Limitf("page of %d values exceeds the limit of %d bytes", n, c.lim.MaxPageBytes)
	}
	if c.leaf.maxRep == 0 && c.seen+int64(n) > c.rows {
		return base.Corruptf("column chunk has more values than the row group's %d rows", c.rows)
	}
	return nil
}

func (c *chunkReader) dictPage(h *format.PageHeader, body []byte) error {
	if !h.DictionaryPageHeader.Valid {
		return base.Corruptf("dictionary page without header")
	}
	dh := h.DictionaryPageHeader.V
	if dh.NumValues < 0 || int64(dh.NumValues)*int64(max(c.leaf.width, 4)) > c.lim.MaxPageBytes {
		return base.Corruptf("dictionary page claims %d values", dh.NumValues)
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
		return base.Corruptf("data page without header")
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
		return base.Corruptf("data page v2 without header")
	}
	dh := &h.DataPageHeaderV2.V
	if err := c.checkCount(dh.NumValues); err != nil {
		return err
	}
	rl, dl := int(dh.RepetitionLevelsByteLength), int(dh.DefinitionLevelsByteLength)
	if rl < 0 || dl < 0 || rl+dl > len(body) || rl+dl > int(h.UncompressedPageSize) {
		return base.Corruptf("data page v2 level lengths %d+%d exceed the page of %d bytes", rl, dl, len(body))
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
			return dst, nil, base.Corruptf("levels truncated")
		}
		l := int(binary.LittleEndian.Uint32(data))
		if l < 0 || l > len(data)-4 {
			return dst, nil, base.Corruptf("levels of %d bytes exceed the page", l)
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
	from := len(dst)
	dst, err := rleDecode(dst, src, uint(bits.Len16(uint16(maxLevel))), n, &c.lv)
	if err != nil {
		return dst, err
	}
	for _, l := range dst[from:] {
		if int16(l) > maxLevel {
			return dst, base.Corruptf("level %d exceeds the maximum %d", l, maxLevel)
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
		return dst, nil, base.Corruptf("bit-packed levels truncated")
	}
	for i := range n {
		v := 0
		for b := range bw {
			bit := i*bw + b
			v = v<<1 | int(data[bit/8]>>(7-bit%8)&1)
		}
		if v > int(maxLevel) {
			return dst, nil, base.Corruptf("level %d exceeds the maximum %d", v, maxLevel)
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
