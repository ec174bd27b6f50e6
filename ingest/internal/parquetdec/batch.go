package parquetdec

import (
	"slices"

	"github.com/parquet-go/parquet-go/format"
)

// leafData holds decoded entries of a column chunk: levels for every entry
// and the dense non-null values. A chunkReader appends pages to one, and
// take cuts whole rows off its front as a leafData of their own, which the
// Arrow arrays built from it may alias: nothing is ever written over the
// bytes a taken leafData holds, appends only go past them.
type leafData struct {
	leaf  *pqLeaf
	n     int     // level entries
	defs  []uint8 // nil when maxDef is 0
	reps  []uint8 // nil when maxRep is 0
	nvals int     // non-null values
	vals  []byte  // fixed-width values (booleans one byte each)
	data  []byte  // byte arrays
	// offs are the nvals+1 offsets of the byte arrays in data, unless
	// dictMode or leaf.large. They need not start at 0: after a take they
	// go on from where the taken values ended.
	offs []int32
	// offs64 replaces offs for a leaf.large leaf.
	offs64 []int64
	// dictMode: every byte array page since the leaf was empty was
	// dictionary encoded; the values are idx into dictData/dictOffs.
	dictMode bool
	dictData []byte
	dictOffs []int32
	idx      []int32
}

// newLeafData returns an empty leafData for leaf.
func newLeafData(leaf *pqLeaf) *leafData {
	o := &leafData{leaf: leaf}
	o.reset()
	return o
}

// reset empties o, dropping its buffers: taken leaves may still use them.
func (o *leafData) reset() {
	*o = leafData{leaf: o.leaf}
	if o.leaf.phys != format.ByteArray {
		return
	}
	if o.leaf.large {
		o.offs64 = []int64{0}
	} else {
		o.offs = []int32{0}
	}
}

// take cuts the first k whole rows off c.out; c.avail() must be at least k.
func (c *chunkReader) take(k int64) *leafData {
	o := c.out
	e := int(k)
	if c.leaf.maxRep > 0 {
		e = rowEntries(o.reps, k)
		c.starts -= k
	}
	v := e
	if c.leaf.maxDef > 0 {
		md := uint8(c.leaf.maxDef)
		v = 0
		for _, d := range o.defs[:e] {
			if d == md {
				v++
			}
		}
	}
	h := o.head(e, v)
	o.drop(e, v)
	return h
}

// rowEntries is the number of entries of the first k rows: the index of
// the (k+1)th entry with repetition level 0, or all of them.
func rowEntries(reps []uint8, k int64) int {
	for i, r := range reps {
		if r == 0 {
			if k == 0 {
				return i
			}
			k--
		}
	}
	return len(reps)
}

// head returns the first e entries and v values of o, aliasing o's buffers
// with their capacity cut so that nothing appends into them.
func (o *leafData) head(e, v int) *leafData {
	h := &leafData{leaf: o.leaf, n: e, nvals: v, dictMode: o.dictMode, dictData: o.dictData, dictOffs: o.dictOffs}
	if o.defs != nil {
		h.defs = o.defs[:e:e]
	}
	if o.reps != nil {
		h.reps = o.reps[:e:e]
	}
	switch {
	case o.leaf.phys != format.ByteArray:
		w := max(o.leaf.width, 1)
		h.vals = o.vals[: v*w : v*w]
	case o.dictMode:
		h.idx = o.idx[:v:v]
	case o.leaf.large:
		h.offs64, h.data = o.offs64[:v+1:v+1], o.data
	default:
		h.offs, h.data = o.offs[:v+1:v+1], o.data
	}
	return h
}

// drop removes the first e entries and v values of o. An emptied o starts
// afresh; byte arrays are compacted once most of data is behind them.
func (o *leafData) drop(e, v int) {
	o.n -= e
	o.nvals -= v
	if o.n == 0 && o.nvals == 0 {
		o.reset()
		return
	}
	if o.defs != nil {
		o.defs = o.defs[e:]
	}
	if o.reps != nil {
		o.reps = o.reps[e:]
	}
	switch {
	case o.leaf.phys != format.ByteArray:
		o.vals = o.vals[v*max(o.leaf.width, 1):]
	case o.dictMode:
		o.idx = o.idx[v:]
	case o.leaf.large:
		o.data, o.offs64 = compactBytes(o.data, o.offs64[v:])
	default:
		o.data, o.offs = compactBytes(o.data, o.offs[v:])
	}
}

// compactBytes returns data and offs unchanged while most of data is
// still in use, else copies of the bytes in use and of offs rebased on
// them: taken leaves still alias the old ones.
func compactBytes[O byteOffset](data []byte, offs []O) ([]byte, []O) {
	base := int(offs[0])
	if base < 1<<16 || base < len(data)/2 {
		return data, offs
	}
	nd := slices.Clone(data[base:])
	no := make([]O, len(offs))
	for i, x := range offs {
		no[i] = x - O(base)
	}
	return nd, no
}
