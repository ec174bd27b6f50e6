package ipcdec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// checkBody checks the buffers of a record or dictionary batch against its
// field nodes, before arrow builds arrays from them: arrow's array
// constructors and its decompression panic on short buffers, offsets past
// the data, children shorter than their parent and compressed buffers
// that do not decompress; this says which. body is the message body; rows
// is the batch's row count, which every top-level column must have, or -1
// for a dictionary batch.
func checkBody(rb fbTable, l ipcLayout, bigEndian bool, body []byte, codec int, rows int64, lim base.Limits) error {
	nodes, err := rb.vectorField(1, 16)
	if err != nil {
		return err
	}
	bufs, err := rb.vectorField(2, 16)
	if err != nil {
		return err
	}
	counts, err := rb.vectorField(4, 8)
	if err != nil {
		return err
	}
	w := bodyWalk{l: l, nodes: nodes, bufs: bufs, counts: counts, body: body, codec: codec, lim: lim, order: binary.LittleEndian}
	if bigEndian {
		w.order = binary.BigEndian
	}
	for c := 0; c < l.columns; c++ {
		if err := w.node(0, rows, rows >= 0); err != nil {
			return fmt.Errorf("column %d: %w", c, err)
		}
	}
	return nil
}

// bodyWalk walks the nodes and buffers of one batch in arrow's order.
type bodyWalk struct {
	l                   ipcLayout
	nodes, bufs, counts fbVector
	body                []byte
	codec               int
	lim                 base.Limits
	inode, ibuf, iview  int
	order               binary.ByteOrder // of the values
}

// offsetAt reads offset i of width bytes (4 or 8) in the file's byte order.
func (w *bodyWalk) offsetAt(b []byte, width int64, i int) int64 {
	if width == 4 {
		return int64(int32(w.order.Uint32(b[4*i:])))
	}
	return int64(w.order.Uint64(b[8*i:]))
}

// node checks the next node and its children; need is the fewest values
// its parent needs it to have, exact when the node is a top-level column.
func (w *bodyWalk) node(depth int, need int64, exact bool) error {
	if depth > maxNesting {
		return base.Corruptf("arrays nested deeper than %d", maxNesting)
	}
	nd := w.l.nodes[w.inode]
	n, nulls := w.nodes.int64At(w.inode, 0), w.nodes.int64At(w.inode, 8)
	w.inode++
	switch {
	case exact && n != need:
		return base.Corruptf("field node of %d values in a batch of %d rows", n, need)
	case n < need:
		return base.Corruptf("field node of %d values, its parent needs %d", n, need)
	}
	if nd.validity {
		if err := w.validity(n, nulls); err != nil {
			return err
		}
	}
	if nd.kind == fbMap && w.inode+1 < w.nodes.n && (w.nodes.int64At(w.inode, 8) != 0 || w.nodes.int64At(w.inode+1, 8) != 0) {
		return base.Corruptf("map entries or keys with nulls") // arrow's Map panics on them
	}
	childNeed, err := w.values(nd, n)
	if err != nil {
		return err
	}
	for range nd.children {
		if err := w.node(depth+1, childNeed, false); err != nil {
			return err
		}
	}
	return nil
}

// validity checks the validity buffer, which arrow reads only when the
// node has nulls.
func (w *bodyWalk) validity(n, nulls int64) error {
	if nulls == 0 {
		w.ibuf++
		return nil
	}
	return w.sized("validity bitmap", (n+7)/8)
}

// values checks the buffers of a node after its validity and returns what
// its children need.
func (w *bodyWalk) values(nd ipcNode, n int64) (int64, error) {
	switch nd.kind {
	case fbNull, fbRunEndEncoded:
		return 0, nil
	case fbBool:
		return 0, w.valueBuffer(n, (n+7)/8)
	case fbBinary, fbUtf8, fbLargeBinary, fbLargeUtf8:
		return 0, w.binary(n, offsetWidth(nd.kind))
	case fbList, fbMap, fbLargeList:
		return w.offsets(n, offsetWidth(nd.kind))
	case fbListView, fbLargeListView:
		width := offsetWidth(nd.kind)
		if err := w.sized("offsets", n*width); err != nil {
			return 0, err
		}
		return 0, w.sized("sizes", n*width)
	case fbFixedSizeList:
		if !mulFits(nd.listSize, n) {
			return 0, base.Corruptf("%d lists of %d values", n, nd.listSize)
		}
		return nd.listSize * n, nil
	case fbStruct:
		return n, nil
	case fbUnion:
		return w.union(nd, n)
	case fbBinaryView, fbUtf8View:
		return 0, w.views(n)
	}
	if !mulFits(nd.width, n) {
		return 0, base.Corruptf("%d values of %d bytes", n, nd.width)
	}
	return 0, w.valueBuffer(n, n*nd.width)
}

func offsetWidth(kind byte) int64 {
	switch kind {
	case fbLargeBinary, fbLargeUtf8, fbLargeList, fbLargeListView:
		return 8
	}
	return 4
}

// valueBuffer checks the values of a primitive node, which arrow reads only
// when the node has values.
func (w *bodyWalk) valueBuffer(n, size int64) error {
	if n == 0 {
		w.ibuf++
		return nil
	}
	return w.sized("values", size)
}

// binary checks the offsets and the data of a binary or string node: the
// last offset the node uses lies inside the data.
func (w *bodyWalk) binary(n, width int64) error {
	last, err := w.offsets(n, width)
	if err != nil {
		return err
	}
	data, err := w.buffer(false)
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if last > data.size {
		return base.Corruptf("offset %d past data of %d bytes", last, data.size)
	}
	return nil
}

// offsets checks an offsets buffer of n+1 offsets and returns the last, or
// 0 for an empty node.
func (w *bodyWalk) offsets(n, width int64) (int64, error) {
	b, err := w.buffer(n > 0)
	if err != nil {
		return 0, fmt.Errorf("offsets: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	if int64(len(b.bytes)) < (n+1)*width {
		return 0, base.Corruptf("offsets of %d bytes for %d values", len(b.bytes), n)
	}
	// Rising offsets: a parent that slices the node then ends inside it.
	prev := w.offsetAt(b.bytes, width, 0)
	if prev < 0 {
		return 0, base.Corruptf("negative offset %d", prev)
	}
	for i := 1; i <= int(n); i++ {
		v := w.offsetAt(b.bytes, width, i)
		if v < prev {
			return 0, base.Corruptf("offsets decrease at slot %d", i)
		}
		prev = v
	}
	return prev, nil
}

func (w *bodyWalk) union(nd ipcNode, n int64) (int64, error) {
	if n == 0 {
		w.ibuf++
		if nd.dense {
			w.ibuf++
		}
		return 0, nil
	}
	if err := w.sized("type ids", n); err != nil {
		return 0, err
	}
	if !nd.dense {
		return n, nil
	}
	return 0, w.sized("offsets", 4*n)
}

func (w *bodyWalk) views(n int64) error {
	if w.iview >= w.counts.n {
		return base.Corruptf("no variadic buffer count")
	}
	extra := w.counts.int64At(w.iview, 0)
	w.iview++
	if err := w.sized("views", 16*n); err != nil {
		return err
	}
	if extra < 0 || extra > int64(w.bufs.n-w.ibuf) {
		return base.Corruptf("%d variadic buffers", extra)
	}
	for range extra {
		if _, err := w.buffer(false); err != nil {
			return fmt.Errorf("variadic buffer: %w", err)
		}
	}
	return nil
}

// sized reads the next buffer and checks it holds at least size bytes.
func (w *bodyWalk) sized(what string, size int64) error {
	b, err := w.buffer(false)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if b.size < size {
		return base.Corruptf("%s of %d bytes, needs %d", what, b.size, size)
	}
	return nil
}

// bodyBuffer is one buffer: its (uncompressed) size, and its bytes when
// asked for.
type bodyBuffer struct {
	size  int64
	bytes []byte
}

// buffer reads the next buffer, decompressing it to check that it
// decompresses to the size it claims, and keeping the bytes when keep is
// set. checkBuffers has checked it lies inside the body.
func (w *bodyWalk) buffer(keep bool) (bodyBuffer, error) {
	if w.ibuf >= w.bufs.n {
		return bodyBuffer{}, base.Corruptf("buffer %d missing", w.ibuf)
	}
	off, n := w.bufs.int64At(w.ibuf, 0), w.bufs.int64At(w.ibuf, 8)
	w.ibuf++
	if off < 0 || n < 0 || off > int64(len(w.body)) || n > int64(len(w.body))-off {
		return bodyBuffer{}, base.Corruptf("buffer at %d of %d bytes outside the body of %d bytes", off, n, len(w.body))
	}
	raw := w.body[off : off+n]
	if w.codec < 0 || n == 0 {
		return bodyBuffer{size: n, bytes: raw}, nil
	}
	if n < 8 {
		return bodyBuffer{}, base.Corruptf("compressed buffer of %d bytes", n)
	}
	size := int64(binary.LittleEndian.Uint64(raw))
	if size == -1 {
		return bodyBuffer{size: n - 8, bytes: raw[8:]}, nil
	}
	if size < 0 || size > w.lim.MaxPageBytes {
		return bodyBuffer{}, base.Limitf("uncompressed buffer of %d bytes", size)
	}
	if err := base.CheckRatio(w.lim, "compressed buffer", n-8, size); err != nil {
		return bodyBuffer{}, err
	}
	b, err := decompressIPC(w.codec, raw[8:], size, keep)
	if err != nil {
		return bodyBuffer{}, base.Corruptf("decompressing %s buffer of %d bytes: %v", codecNames[w.codec], size, err)
	}
	return bodyBuffer{size: size, bytes: b}, nil
}

// ipcZstd decoders check compressed IPC buffers; their window is bounded
// so that arrow's decoder, which has no bound, never gets a frame that
// asks for more.
var ipcZstd = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(ipcMaxWindow), zstd.WithDecoderMaxMemory(1<<30))
	if err != nil {
		return err
	}
	return d
}}

// ipcMaxWindow is the largest zstd window of a compressed IPC buffer.
const ipcMaxWindow = 64 << 20

// decompressIPC decompresses the first size bytes of a compressed IPC
// buffer, as arrow reads them (a stream read to exactly size bytes), and
// returns them when keep is set.
func decompressIPC(codec int, src []byte, size int64, keep bool) ([]byte, error) {
	var r io.Reader
	switch codecNames[codec] {
	case "LZ4_FRAME":
		r = lz4.NewReader(bytes.NewReader(src))
	case "ZSTD":
		v := ipcZstd.Get()
		d, ok := v.(*zstd.Decoder)
		if !ok {
			return nil, fmt.Errorf("zstd decoder: %v", v)
		}
		defer ipcZstd.Put(d)
		if err := d.Reset(bytes.NewReader(src)); err != nil {
			return nil, err
		}
		defer d.Reset(nil)
		r = d
	}
	if !keep {
		_, err := io.CopyN(io.Discard, r, size)
		return nil, err
	}
	out := make([]byte, size)
	_, err := io.ReadFull(r, out)
	return out, err
}
