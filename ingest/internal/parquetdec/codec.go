package parquetdec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/format"
	"github.com/pierrec/lz4/v4"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// zstdDecoders are reused across pages; a decoder refuses frames that
// would decode past 1 GiB whatever they claim.
var zstdDecoders = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30), zstd.WithDecoderLowmem(false))
	if err != nil {
		return err
	}
	return d
}}

// decompress decodes src, which must expand to exactly size bytes, into
// *scratch (reused). Output never grows past size+1 bytes whatever the
// compressed stream says.
func decompress(codec format.CompressionCodec, scratch *[]byte, src []byte, size int) ([]byte, error) {
	if codec == format.Uncompressed || size == 0 && len(src) == 0 {
		return src, nil
	}
	if size < 0 {
		return nil, base.Corruptf("negative uncompressed size")
	}
	if cap(*scratch) < size {
		*scratch = make([]byte, size)
	}
	dst := (*scratch)[:size]
	var n int
	var err error
	switch codec {
	case format.Snappy:
		n, err = unsnappy(dst, src)
	case format.Gzip:
		n, err = unstream(dst, func() (io.Reader, error) { return gzip.NewReader(bytes.NewReader(src)) })
	case format.Brotli:
		n, err = unstream(dst, func() (io.Reader, error) { return brotli.NewReader(bytes.NewReader(src)), nil })
	case format.Zstd:
		n, err = unzstd(dst, src)
	case format.Lz4Raw:
		n, err = unlz4Block(src, dst)
	case format.Lz4:
		n, err = unlz4Hadoop(dst, src)
	default:
		return nil, fmt.Errorf("%w: compression codec %v", base.ErrUnsupported, codec)
	}
	if err != nil {
		return nil, base.Corruptf("decompressing %v page: %v", codec, err)
	}
	if n != size {
		return nil, base.Corruptf("%v page decompressed to %d bytes, header says %d", codec, n, size)
	}
	return dst, nil
}

func unsnappy(dst, src []byte) (int, error) {
	n, err := s2.DecodedLen(src)
	if err != nil {
		return 0, err
	}
	if n != len(dst) {
		return n, nil
	}
	out, err := s2.Decode(dst, src)
	return len(out), err
}

// unstream reads a streaming decompressor into dst and checks that nothing
// follows.
func unstream(dst []byte, open func() (io.Reader, error)) (int, error) {
	r, err := open()
	if err != nil {
		return 0, err
	}
	n, err := io.ReadFull(r, dst)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return n, err
	}
	if n == len(dst) {
		var one [1]byte
		if m, _ := r.Read(one[:]); m > 0 {
			return n + 1, nil
		}
	}
	return n, nil
}

func unzstd(dst, src []byte) (int, error) {
	var h zstd.Header
	if err := h.Decode(src); err == nil && h.HasFCS && h.FrameContentSize > uint64(len(dst)) {
		return 0, fmt.Errorf("zstd frame claims %d bytes, page has %d", h.FrameContentSize, len(dst))
	}
	v := zstdDecoders.Get()
	d, ok := v.(*zstd.Decoder)
	if !ok {
		return 0, fmt.Errorf("zstd decoder: %v", v)
	}
	defer zstdDecoders.Put(d)
	out, err := d.DecodeAll(src, dst[:0])
	if err != nil {
		return 0, err
	}
	if len(out) > 0 && len(dst) > 0 && &out[0] != &dst[0] {
		copy(dst, out)
	}
	return len(out), nil
}

// unlz4Hadoop decodes the deprecated LZ4 codec: Hadoop's framing of
// big-endian lengths around LZ4 blocks, else a raw block, else an LZ4
// frame, as the writers in the wild disagree.
func unlz4Hadoop(dst, src []byte) (int, error) {
	if n, ok := hadoopBlocks(dst, src); ok {
		return n, nil
	}
	if n, err := unlz4Block(src, dst); err == nil {
		return n, nil
	}
	return unstream(dst, func() (io.Reader, error) { return lz4.NewReader(bytes.NewReader(src)), nil })
}

// unlz4Block decodes one LZ4 block into dst. lz4 panics on an empty dst:
// a block for an empty page decodes into a byte of scratch and must
// produce nothing.
func unlz4Block(src, dst []byte) (int, error) {
	if len(dst) == 0 {
		var one [1]byte
		return lz4.UncompressBlock(src, one[:])
	}
	return lz4.UncompressBlock(src, dst)
}

func hadoopBlocks(dst, src []byte) (int, bool) {
	total := 0
	for len(src) > 0 {
		if len(src) < 8 {
			return 0, false
		}
		ul := int(binary.BigEndian.Uint32(src))
		cl := int(binary.BigEndian.Uint32(src[4:]))
		src = src[8:]
		if cl < 0 || cl > len(src) || ul < 0 || ul > len(dst)-total {
			return 0, false
		}
		n, err := unlz4Block(src[:cl], dst[total:total+ul])
		if err != nil || n != ul {
			return 0, false
		}
		total += n
		src = src[cl:]
	}
	return total, true
}
