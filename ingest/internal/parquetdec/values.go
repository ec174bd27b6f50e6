package parquetdec

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/parquet-go/bitpack"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/encoding/bytestreamsplit"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/format"
	"github.com/refit-ml/refit/ingest/internal/base"
)

func unsupportedEncoding(enc format.Encoding) error {
	return fmt.Errorf("%w: encoding %v", base.ErrUnsupported, enc)
}

// plain decodes nn PLAIN values.
func (c *chunkReader) plain(data []byte, nn int) error {
	if c.leaf.phys != format.ByteArray {
		if c.adoptFixed(data, nn) {
			return nil
		}
		var err error
		c.out.vals, err = plainFixed(c.leaf, data, nn, c.out.vals)
		return err
	}
	if err := c.leaveDictMode(); err != nil {
		return err
	}
	o := c.out
	var err error
	if o.leaf.large {
		o.data, o.offs64, err = plainByteArrays(data, nn, o.data, o.offs64)
	} else {
		o.data, o.offs, err = plainByteArrays(data, nn, o.data, o.offs)
	}
	return err
}

// adoptBytes is the smallest page whose PLAIN values become the values
// buffer as they are, rather than a copy.
const adoptBytes = 1 << 20

// adoptFixed makes the page buffer holding the nn PLAIN fixed-width values
// at the start of data the values buffer of an empty c.out, and lets the
// page's buffer go, so that a big page is not held twice. It reports
// whether it did.
func (c *chunkReader) adoptFixed(data []byte, nn int) bool {
	need := nn * c.leaf.width
	if c.out.nvals > 0 || c.leaf.phys == format.Boolean || need < adoptBytes || need > len(data) {
		return false
	}
	for _, b := range []*[]byte{&c.scratch, &c.scratch2, &c.body} {
		if within(data, *b) {
			*b = nil
			c.out.vals = data[:need:need]
			return true
		}
	}
	return false
}

// within reports whether inner lies inside the capacity of outer.
func within(inner, outer []byte) bool {
	if cap(inner) == 0 || cap(outer) == 0 {
		return false
	}
	i, o := uintptr(unsafe.Pointer(unsafe.SliceData(inner))), uintptr(unsafe.Pointer(unsafe.SliceData(outer)))
	return i >= o && i < o+uintptr(cap(outer))
}

// plainFixed appends n PLAIN fixed-width values (booleans bit-packed) to dst.
func plainFixed(leaf *pqLeaf, data []byte, n int, dst []byte) ([]byte, error) {
	if leaf.phys == format.Boolean {
		if (n+7)/8 > len(data) {
			return dst, base.Corruptf("plain booleans truncated")
		}
		for i := range n {
			dst = append(dst, data[i>>3]>>(i&7)&1)
		}
		return dst, nil
	}
	need := n * leaf.width
	if need > len(data) || need < 0 {
		return dst, base.Corruptf("plain values truncated: %d values of %d bytes in %d bytes", n, leaf.width, len(data))
	}
	return append(dst, data[:need]...), nil
}

// byteOffset is the type of byte array offsets: int32, or int64 for the
// leaves that decode to Arrow large_string or large_binary (pqLeaf.large).
type byteOffset interface{ int32 | int64 }

// maxByteOffset is the largest offset an O holds.
func maxByteOffset[O byteOffset]() int64 {
	var z O
	if unsafe.Sizeof(z) == 4 {
		return math.MaxInt32
	}
	return math.MaxInt64
}

func errTooManyBytes() error {
	return fmt.Errorf("%w: more than 2 GiB of strings in one column chunk", base.ErrUnsupported)
}

// plainByteArrays appends n length-prefixed byte arrays to data and their
// end offsets to offs.
func plainByteArrays[O byteOffset](src []byte, n int, data []byte, offs []O) ([]byte, []O, error) {
	if n > len(src)/4 {
		return data, offs, base.Corruptf("plain byte arrays truncated")
	}
	if cap(data)-len(data) < len(src)-4*n {
		data = append(make([]byte, 0, len(data)+len(src)-4*n), data...)
	}
	limit := maxByteOffset[O]()
	for range n {
		if len(src) < 4 {
			return data, offs, base.Corruptf("plain byte arrays truncated")
		}
		l := binary.LittleEndian.Uint32(src)
		if uint64(l) > uint64(len(src)-4) {
			return data, offs, base.Corruptf("byte array of %d bytes exceeds the page", l)
		}
		data = append(data, src[4:4+l]...)
		src = src[4+l:]
		if int64(len(data)) > limit {
			return data, offs, errTooManyBytes()
		}
		offs = append(offs, O(len(data)))
	}
	return data, offs, nil
}

// dictIndices decodes nn dictionary indices and resolves them.
func (c *chunkReader) dictIndices(data []byte, nn int) error {
	if !c.hasDict {
		return base.Corruptf("dictionary-encoded page without a dictionary page")
	}
	if nn == 0 {
		return nil
	}
	if len(data) < 1 || data[0] > 32 {
		return base.Corruptf("bad dictionary index bit width")
	}
	var err error
	c.idx, err = rleDecode(c.idx[:0], data[1:], uint(data[0]), nn, &c.lv)
	if err != nil {
		return err
	}
	for _, ix := range c.idx {
		if uint32(ix) >= uint32(c.dictN) {
			return base.Corruptf("dictionary index %d out of range [0, %d)", ix, c.dictN)
		}
	}
	if c.leaf.phys != format.ByteArray {
		c.out.vals = gatherFixed(c.out.vals, c.dictVals, c.idx, c.leaf.width)
		return nil
	}
	return c.byteArrayIndices()
}

// byteArrayIndices keeps indices into the dictionary while every page is
// dictionary encoded, else materializes the values.
func (c *chunkReader) byteArrayIndices() error {
	o := c.out
	if o.nvals == 0 && !o.dictMode {
		o.dictMode = true
		o.dictData, o.dictOffs = c.dictData, c.dictOffs
		o.idx = make([]int32, 0, len(c.idx))
	}
	if o.dictMode && sameDict(o, c) {
		o.idx = append(o.idx, c.idx...)
		return nil
	}
	if err := c.leaveDictMode(); err != nil {
		return err
	}
	return o.appendIndexed(c.dictData, c.dictOffs, c.idx)
}

func sameDict(o *leafData, c *chunkReader) bool {
	return len(o.dictOffs) == len(c.dictOffs) && (len(o.dictOffs) == 0 || &o.dictOffs[0] == &c.dictOffs[0])
}

// leaveDictMode materializes the values decoded so far as indices.
func (c *chunkReader) leaveDictMode() error {
	o := c.out
	if !o.dictMode {
		return nil
	}
	o.dictMode = false
	err := o.appendIndexed(o.dictData, o.dictOffs, o.idx)
	o.idx = nil
	return err
}

// appendIndexed appends the dictionary values idx to the byte arrays of o.
func (o *leafData) appendIndexed(dictData []byte, dictOffs, idx []int32) error {
	var err error
	if o.leaf.large {
		o.data, o.offs64, err = appendIndexed(o.data, o.offs64, dictData, dictOffs, idx)
	} else {
		o.data, o.offs, err = appendIndexed(o.data, o.offs, dictData, dictOffs, idx)
	}
	return err
}

func appendIndexed[O byteOffset](data []byte, offs []O, dictData []byte, dictOffs, idx []int32) ([]byte, []O, error) {
	total := int64(len(data))
	for _, ix := range idx {
		total += int64(dictOffs[ix+1] - dictOffs[ix])
	}
	if total > maxByteOffset[O]() {
		return data, offs, errTooManyBytes()
	}
	data = slices.Grow(data, int(total)-len(data))
	offs = slices.Grow(offs, len(idx))
	for _, ix := range idx {
		data = append(data, dictData[dictOffs[ix]:dictOffs[ix+1]]...)
		offs = append(offs, O(len(data)))
	}
	return data, offs, nil
}

// gatherFixed appends dict[idx[i]] for fixed-width values of w bytes.
func gatherFixed(dst, dict []byte, idx []int32, w int) []byte {
	from := len(dst)
	dst = growBytes(dst, len(idx)*w)
	out := dst[from:]
	switch w {
	case 8:
		o, d := castSlice[uint64](out), castSlice[uint64](dict)
		for i, ix := range idx {
			o[i] = d[ix]
		}
	case 4:
		o, d := castSlice[uint32](out), castSlice[uint32](dict)
		for i, ix := range idx {
			o[i] = d[ix]
		}
	default:
		for i, ix := range idx {
			copy(out[i*w:(i+1)*w], dict[int(ix)*w:])
		}
	}
	return dst
}

// castSlice reinterprets b as a slice of T; b's length must be a multiple
// of T's size.
func castSlice[T any](b []byte) []T {
	var z T
	n := len(b) / int(unsafe.Sizeof(z))
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(z)))
}

// growBytes extends b by n bytes, reallocating with doubling.
func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, max(2*cap(b), len(b)+n))
	copy(nb, b)
	return nb
}

// rleBooleans decodes RLE-encoded booleans (with a 4-byte length prefix).
func (c *chunkReader) rleBooleans(data []byte, nn int) error {
	if c.leaf.phys != format.Boolean {
		return unsupportedEncoding(format.RLE)
	}
	if len(data) < 4 {
		return base.Corruptf("rle booleans truncated")
	}
	l := int(binary.LittleEndian.Uint32(data))
	if l < 0 || l > len(data)-4 {
		return base.Corruptf("rle booleans of %d bytes exceed the page", l)
	}
	var err error
	c.out.vals, err = rleDecode(c.out.vals, data[4:4+l], 1, nn, &c.lv)
	return err
}

// otherEncoding decodes the delta and byte-stream-split encodings with
// parquet-go after checking the counts they would allocate by.
func (c *chunkReader) otherEncoding(enc format.Encoding, data []byte, nn int) error {
	var e encoding.Encoding
	switch enc {
	case format.DeltaBinaryPacked:
		e = &delta.BinaryPackedEncoding{}
	case format.DeltaLengthByteArray:
		e = &delta.LengthByteArrayEncoding{}
	case format.DeltaByteArray:
		e = &delta.ByteArrayEncoding{}
	case format.ByteStreamSplit:
		e = &bytestreamsplit.Encoding{}
	default:
		return unsupportedEncoding(enc)
	}
	if enc != format.ByteStreamSplit {
		if err := checkDeltaHeader(data, nn); err != nil {
			return err
		}
	}
	if c.leaf.phys == format.ByteArray {
		return c.decodedByteArrays(e, data, nn)
	}
	return c.decodedFixed(e, data, nn)
}

// checkDeltaHeader refuses a delta header claiming more values than the
// page has.
func checkDeltaHeader(data []byte, nn int) error {
	for range 2 {
		_, n := binary.Uvarint(data)
		if n <= 0 {
			return base.Corruptf("bad delta header")
		}
		data = data[n:]
	}
	total, n := binary.Uvarint(data)
	if n <= 0 || total > uint64(nn)+1 {
		return base.Corruptf("delta header claims %d values, page has %d", total, nn)
	}
	return nil
}

func (c *chunkReader) decodedFixed(e encoding.Encoding, data []byte, nn int) error {
	var got []byte
	var err error
	switch c.leaf.phys {
	case format.Int32:
		var v []int32
		v, err = e.DecodeInt32(nil, data)
		got = asBytes(v)
	case format.Int64:
		var v []int64
		v, err = e.DecodeInt64(nil, data)
		got = asBytes(v)
	case format.Float:
		var v []float32
		v, err = e.DecodeFloat(nil, data)
		got = asBytes(v)
	case format.Double:
		var v []float64
		v, err = e.DecodeDouble(nil, data)
		got = asBytes(v)
	case format.FixedLenByteArray:
		got, err = e.DecodeFixedLenByteArray(nil, data, c.leaf.width)
	default:
		return unsupportedEncoding(e.Encoding())
	}
	if err != nil {
		return base.Corruptf("decoding %v values: %v", e.Encoding(), err)
	}
	if len(got) < nn*c.leaf.width {
		return base.Corruptf("%v page has %d of %d values", e.Encoding(), len(got)/c.leaf.width, nn)
	}
	c.out.vals = append(c.out.vals, got[:nn*c.leaf.width]...)
	return nil
}

func (c *chunkReader) decodedByteArrays(e encoding.Encoding, data []byte, nn int) error {
	if err := c.leaveDictMode(); err != nil {
		return err
	}
	vals, offs, err := e.DecodeByteArray(nil, data, nil)
	if err != nil {
		return base.Corruptf("decoding %v values: %v", e.Encoding(), err)
	}
	if len(offs) < nn+1 {
		return base.Corruptf("%v page has %d of %d values", e.Encoding(), max(len(offs)-1, 0), nn)
	}
	o := c.out
	if o.leaf.large {
		o.data, o.offs64, err = appendDecoded(o.data, o.offs64, vals, offs[:nn+1])
	} else {
		o.data, o.offs, err = appendDecoded(o.data, o.offs, vals, offs[:nn+1])
	}
	return err
}

// appendDecoded appends the byte arrays vals[offs[i]:offs[i+1]] to data and
// their end offsets to dst.
func appendDecoded[O byteOffset](data []byte, dst []O, vals []byte, offs []uint32) ([]byte, []O, error) {
	from := int64(len(data))
	if from+int64(offs[len(offs)-1]) > maxByteOffset[O]() {
		return data, dst, errTooManyBytes()
	}
	data = append(data, vals[:offs[len(offs)-1]]...)
	for _, off := range offs[1:] {
		dst = append(dst, O(from+int64(off)))
	}
	return data, dst, nil
}

// rleDecode appends exactly n values of the RLE/bit-packed hybrid encoding
// in src, of bitWidth bits each, to dst. lv is scratch for bit unpacking.
func rleDecode[T uint8 | int32](dst []T, src []byte, bitWidth uint, n int, lv *[]int32) ([]T, error) {
	if bitWidth > 32 {
		return dst, base.Corruptf("bit width %d", bitWidth)
	}
	from := len(dst)
	if cap(dst)-from < n {
		nd := make([]T, from, max(2*cap(dst), from+n))
		copy(nd, dst)
		dst = nd
	}
	out := dst[from : from+n]
	for k := 0; k < n; {
		hdr, m := binary.Uvarint(src)
		if m <= 0 {
			return dst, base.Corruptf("rle data truncated: %d of %d values", k, n)
		}
		src = src[m:]
		var err error
		if hdr&1 == 1 {
			var used int
			used, err = unpackGroups(out[k:], src, bitWidth, hdr>>1, lv)
			k += used
			src = src[min(len(src), int(min(hdr>>1, uint64(len(src))))*int(bitWidth)):]
		} else {
			var used int
			used, src, err = fillRun(out[k:], src, bitWidth, hdr>>1)
			k += used
		}
		if err != nil {
			return dst, err
		}
	}
	return dst[:from+n], nil
}

func fillRun[T uint8 | int32](out []T, src []byte, bitWidth uint, count uint64) (int, []byte, error) {
	vb := int(bitWidth+7) / 8
	if len(src) < vb {
		return 0, src, base.Corruptf("rle run truncated")
	}
	var v uint32
	for i := range vb {
		v |= uint32(src[i]) << (8 * i)
	}
	take := int(min(count, uint64(len(out))))
	val := T(v)
	for i := range out[:take] {
		out[i] = val
	}
	return take, src[vb:], nil
}

// unpackGroups unpacks groups of 8 bit-packed values into out.
func unpackGroups[T uint8 | int32](out []T, src []byte, bitWidth uint, groups uint64, lv *[]int32) (int, error) {
	if groups == 0 {
		return 0, nil
	}
	avail := uint64(len(out))
	if bitWidth > 0 {
		avail = uint64(len(src)) * 8 / uint64(bitWidth)
	}
	take := int(min(groups*8, uint64(len(out)), avail))
	if take == 0 {
		return 0, base.Corruptf("bit-packed run truncated")
	}
	nbytes := (take*int(bitWidth) + 7) / 8
	need := nbytes + bitpack.PaddingInt32*2
	buf := *lv
	if cap(buf) < take+need/4+8 {
		buf = make([]int32, take+need/4+8)
		*lv = buf
	}
	vals := buf[:take]
	pad := asBytes(buf[take:])[:need]
	copy(pad, src[:nbytes])
	clear(pad[nbytes:])
	bitpack.Unpack(vals, pad, bitWidth)
	for i, v := range vals {
		out[i] = T(v)
	}
	return take, nil
}
