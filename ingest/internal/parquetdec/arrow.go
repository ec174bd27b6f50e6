package parquetdec

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/bitutil"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// buildColumn assembles the Arrow array of a top-level column from the
// decoded leaves of one row group.
func buildColumn(an *anode, leaves map[int]*leafData, rows int64) (arrow.Array, error) {
	data, err := build(an, leaves, 0, 0)
	if err != nil {
		return nil, err
	}
	defer data.Release()
	if int64(data.Len()) != rows {
		return nil, base.Corruptf("column has %d values, row group has %d rows", data.Len(), rows)
	}
	return array.MakeFromData(data), nil
}

// slots lists the level entries of ld that start a value of a node whose
// slots exist at definition level slotDef and repetition level slotRep;
// nil means every entry.
func slots(ld *leafData, slotDef, slotRep int16) []int32 {
	if ld.reps == nil && slotDef == 0 {
		return nil
	}
	out := make([]int32, 0, ld.n)
	for i := range ld.n {
		if (ld.reps == nil || int16(ld.reps[i]) <= slotRep) && (ld.defs == nil || int16(ld.defs[i]) >= slotDef) {
			out = append(out, int32(i))
		}
	}
	return out
}

// validity is the bitmap of slots whose definition level reaches defValid,
// nil when none is null.
func validity(ld *leafData, sl []int32, n int, defValid, slotDef int16) ([]byte, int) {
	if defValid <= slotDef || ld.defs == nil {
		return nil, 0
	}
	bm := make([]byte, bitutil.BytesForBits(int64(n)))
	nulls := 0
	dv := uint8(defValid)
	for k := range n {
		e := k
		if sl != nil {
			e = int(sl[k])
		}
		if ld.defs[e] >= dv {
			bm[k>>3] |= 1 << (k & 7)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	return bm, nulls
}

func build(an *anode, leaves map[int]*leafData, slotDef, slotRep int16) (arrow.ArrayData, error) {
	ld := leaves[an.first]
	sl := slots(ld, slotDef, slotRep)
	n := ld.n
	if sl != nil {
		n = len(sl)
	}
	valid, nulls := validity(ld, sl, n, an.defValid, slotDef)
	switch an.kind {
	case anLeaf:
		return buildLeaf(an, ld, n, valid, nulls)
	case anStruct:
		return buildStruct(an, leaves, n, valid, nulls, slotDef, slotRep)
	}
	return buildList(an, leaves, ld, n, valid, nulls, slotDef, slotRep)
}

func validBuf(valid []byte) *memory.Buffer {
	if valid == nil {
		return nil
	}
	return memory.NewBufferBytes(valid)
}

func buildStruct(an *anode, leaves map[int]*leafData, n int, valid []byte, nulls int, slotDef, slotRep int16) (arrow.ArrayData, error) {
	children := make([]arrow.ArrayData, 0, len(an.children))
	defer func() {
		for _, c := range children {
			c.Release()
		}
	}()
	for _, ch := range an.children {
		cd, err := build(ch, leaves, slotDef, slotRep)
		if err != nil {
			return nil, err
		}
		children = append(children, cd)
		if cd.Len() != n {
			return nil, base.Corruptf("struct field %q has %d values, struct has %d", ch.name, cd.Len(), n)
		}
	}
	return array.NewData(an.typ, n, []*memory.Buffer{validBuf(valid)}, children, nulls, 0), nil
}

// buildList builds a list or map: offsets count the element entries that
// follow each slot.
func buildList(an *anode, leaves map[int]*leafData, ld *leafData, n int, valid []byte, nulls int, slotDef, slotRep int16) (arrow.ArrayData, error) {
	offs := make([]int32, 0, n+1)
	cnt := int32(0)
	for i := range ld.n {
		r, d := int16(0), int16(0)
		if ld.reps != nil {
			r = int16(ld.reps[i])
		}
		if ld.defs != nil {
			d = int16(ld.defs[i])
		}
		if r <= slotRep && d >= slotDef {
			offs = append(offs, cnt)
		}
		if r <= an.repElem && d >= an.defElem {
			cnt++
		}
	}
	offs = append(offs, cnt)
	if len(offs) != n+1 {
		return nil, base.Corruptf("list levels are inconsistent")
	}
	child, err := build(an.children[0], leaves, an.defElem, an.repElem)
	if err != nil {
		return nil, err
	}
	defer child.Release()
	if int32(child.Len()) != cnt {
		return nil, base.Corruptf("list has %d elements, its values %d", cnt, child.Len())
	}
	if an.typ.ID() == arrow.MAP && (child.NullN() != 0 || len(child.Children()) != 2 || child.Children()[0].NullN() != 0) {
		return nil, base.Corruptf("map entries or keys with nulls") // arrow's Map panics on them
	}
	bufs := []*memory.Buffer{validBuf(valid), memory.NewBufferBytes(asBytes(offs))}
	return array.NewData(an.typ, n, bufs, []arrow.ArrayData{child}, nulls, 0), nil
}

// buildLeaf expands the dense values of a leaf to its n slots.
func buildLeaf(an *anode, ld *leafData, n int, valid []byte, nulls int) (arrow.ArrayData, error) {
	if an.conv == cvNull {
		return array.NewData(arrow.Null, n, []*memory.Buffer{nil}, nil, n, 0), nil
	}
	if n-nulls != ld.nvals {
		return nil, base.Corruptf("column has %d values for %d non-null slots", ld.nvals, n-nulls)
	}
	switch an.conv {
	case cvBool:
		return array.NewData(an.typ, n, []*memory.Buffer{validBuf(valid), memory.NewBufferBytes(boolBitmap(ld.vals, valid, n))}, nil, nulls, 0), nil
	case cvBytes:
		return buildBytes(an, ld, n, valid, nulls)
	}
	vals, w, err := converted(an, ld)
	if err != nil {
		return nil, err
	}
	out := expandFixed(vals, w, valid, n)
	return array.NewData(an.typ, n, []*memory.Buffer{validBuf(valid), memory.NewBufferBytes(out)}, nil, nulls, 0), nil
}

func bitSet(bm []byte, k int) bool { return bm[k>>3]&(1<<(k&7)) != 0 }

func boolBitmap(vals, valid []byte, n int) []byte {
	bm := make([]byte, bitutil.BytesForBits(int64(n)))
	j := 0
	for k := range n {
		if valid != nil && !bitSet(valid, k) {
			continue
		}
		if vals[j] != 0 {
			bm[k>>3] |= 1 << (k & 7)
		}
		j++
	}
	return bm
}

// expandFixed places dense values of w bytes at the valid slots of n.
func expandFixed(vals []byte, w int, valid []byte, n int) []byte {
	if valid == nil {
		return vals[:n*w]
	}
	out := make([]byte, n*w)
	switch w {
	case 8:
		expandTyped(castSlice[uint64](out), castSlice[uint64](vals), valid)
	case 4:
		expandTyped(castSlice[uint32](out), castSlice[uint32](vals), valid)
	default:
		j := 0
		for k := range n {
			if bitSet(valid, k) {
				copy(out[k*w:(k+1)*w], vals[j*w:])
				j++
			}
		}
	}
	return out
}

func expandTyped[T any](out, vals []T, valid []byte) {
	j := 0
	for k := range out {
		if bitSet(valid, k) {
			out[k] = vals[j]
			j++
		}
	}
}

// buildBytes builds a string or binary array (int64 offsets for a
// leaf.large leaf), resolving dictionary indices into one pre-sized data
// buffer.
func buildBytes(an *anode, ld *leafData, n int, valid []byte, nulls int) (arrow.ArrayData, error) {
	var offs, data []byte
	var err error
	if ld.leaf.large {
		offs, data, err = bytesLayout(ld, ld.offs64, n, valid)
	} else {
		offs, data, err = bytesLayout(ld, ld.offs, n, valid)
	}
	if err != nil {
		return nil, err
	}
	bufs := []*memory.Buffer{validBuf(valid), memory.NewBufferBytes(offs), memory.NewBufferBytes(data)}
	return array.NewData(an.typ, n, bufs, nil, nulls, 0), nil
}

// bytesLayout returns the offsets (as bytes) and data of n slots of byte
// arrays; dense are the end offsets of the non-null values.
func bytesLayout[O byteOffset](ld *leafData, dense []O, n int, valid []byte) ([]byte, []byte, error) {
	offs := make([]O, n+1)
	if ld.dictMode {
		data, err := gatherBytes(ld, offs, valid, n)
		return asBytes(offs), data, err
	}
	j := 0
	for k := range n {
		offs[k] = dense[j]
		if valid == nil || bitSet(valid, k) {
			j++
		}
	}
	offs[n] = dense[j]
	return asBytes(offs), ld.data, nil
}

func gatherBytes[O byteOffset](ld *leafData, offs []O, valid []byte, n int) ([]byte, error) {
	total := int64(0)
	do := ld.dictOffs
	for _, ix := range ld.idx {
		total += int64(do[ix+1] - do[ix])
	}
	if total > maxByteOffset[O]() {
		return nil, errTooManyBytes()
	}
	data := make([]byte, total)
	pos, j := O(0), 0
	for k := range n {
		offs[k] = pos
		if valid == nil || bitSet(valid, k) {
			ix := ld.idx[j]
			j++
			pos += O(copy(data[pos:], ld.dictData[do[ix]:do[ix+1]]))
		}
	}
	offs[n] = pos
	return data, nil
}
