package ipcdec

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest/internal/base"
)

// validateData checks that d's buffers and children hold what its type,
// offset and length claim, so that reading any value of the array later,
// outside the guard, cannot go out of bounds. arrow's IPC reader checks only
// part of this (it has no general ValidateFull in Go).
func validateData(d arrow.ArrayData, depth int) error {
	if depth > maxNesting {
		return base.Corruptf("arrays nested deeper than %d", maxNesting)
	}
	off, n := int64(d.Offset()), int64(d.Len())
	if off < 0 || n < 0 || int64(d.NullN()) > n {
		return base.Corruptf("array of %s: offset %d, length %d, %d nulls", d.DataType(), off, n, d.NullN())
	}
	dt := d.DataType()
	if ext, ok := dt.(arrow.ExtensionType); ok {
		dt = ext.StorageType()
	}
	if err := checkLayout(dt, d.Buffers(), off+n, n); err != nil {
		return fmt.Errorf("array of %s: %w", dt, err)
	}
	if err := checkValues(dt, d, depth); err != nil {
		return fmt.Errorf("array of %s: %w", dt, err)
	}
	return nil
}

// checkLayout checks every buffer the layout of dt asks for is long enough
// for end = offset+length slots.
func checkLayout(dt arrow.DataType, bufs []*memory.Buffer, end, n int64) error {
	for i, spec := range dt.Layout().Buffers {
		var b []byte
		if i < len(bufs) && bufs[i] != nil {
			b = bufs[i].Bytes()
		}
		need := int64(0)
		switch spec.Kind {
		case arrow.KindBitmap:
			if i == 0 && b == nil {
				continue // no validity bitmap: no nulls
			}
			need = (end + 7) / 8
		case arrow.KindFixedWidth:
			slots := end
			if isOffsets(dt, i) {
				slots++
			}
			if spec.ByteWidth < 0 || !mulFits(int64(spec.ByteWidth), slots) {
				return base.Corruptf("buffer %d of %d slots of %d bytes", i, slots, spec.ByteWidth)
			}
			need = int64(spec.ByteWidth) * slots
		default:
			continue
		}
		if n > 0 && int64(len(b)) < need {
			return base.Corruptf("buffer %d has %d bytes, needs %d", i, len(b), need)
		}
	}
	return nil
}

// isOffsets reports whether buffer i of dt holds offsets (one more slot
// than values).
func isOffsets(dt arrow.DataType, i int) bool {
	if i != 1 {
		return false
	}
	switch dt.ID() {
	case arrow.BINARY, arrow.STRING, arrow.LARGE_BINARY, arrow.LARGE_STRING,
		arrow.LIST, arrow.LARGE_LIST, arrow.MAP:
		return true
	}
	return false
}

// checkValues checks what depends on values: offsets, children, views,
// dictionary indices and run ends.
func checkValues(dt arrow.DataType, d arrow.ArrayData, depth int) error {
	off, n := d.Offset(), d.Len()
	bufs := d.Buffers()
	switch dt.ID() {
	case arrow.BINARY, arrow.STRING:
		return checkOffsets(bufBytes(bufs, 1), 4, off, n, int64(len(bufBytes(bufs, 2))))
	case arrow.LARGE_BINARY, arrow.LARGE_STRING:
		return checkOffsets(bufBytes(bufs, 1), 8, off, n, int64(len(bufBytes(bufs, 2))))
	case arrow.LIST, arrow.MAP:
		return checkListLike(d, 4, depth)
	case arrow.LARGE_LIST:
		return checkListLike(d, 8, depth)
	case arrow.FIXED_SIZE_LIST:
		size := int64(dt.(*arrow.FixedSizeListType).Len())
		if size < 0 || !mulFits(size, int64(off+n)) {
			return base.Corruptf("%d lists of %d values", off+n, size)
		}
		return checkChildren(d, 1, size*int64(off+n), depth)
	case arrow.STRUCT:
		return checkChildren(d, dt.(*arrow.StructType).NumFields(), int64(off+n), depth)
	case arrow.SPARSE_UNION:
		return checkUnion(d, int64(off+n), depth)
	case arrow.DENSE_UNION:
		return checkUnion(d, 0, depth)
	case arrow.LIST_VIEW, arrow.LARGE_LIST_VIEW:
		return checkWithArrow(d, 1, depth)
	case arrow.RUN_END_ENCODED:
		return checkRunEnds(d, depth)
	case arrow.BINARY_VIEW, arrow.STRING_VIEW:
		return checkViews(bufs, off, n)
	case arrow.DICTIONARY:
		return checkIndices(dt.(*arrow.DictionaryType), d, depth)
	}
	return nil
}

func bufBytes(bufs []*memory.Buffer, i int) []byte {
	if i >= len(bufs) || bufs[i] == nil {
		return nil
	}
	return bufs[i].Bytes()
}

// intAt reads the little-endian signed integer of width bytes at slot i.
func intAt(b []byte, width, i int) int64 {
	p := b[i*width:]
	switch width {
	case 1:
		return int64(int8(p[0]))
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(p)))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(p)))
	}
	return int64(binary.LittleEndian.Uint64(p))
}

// checkOffsets checks offsets[off..off+n] rise from 0 or more to at most
// limit. checkLayout has checked the buffer holds them.
func checkOffsets(b []byte, width, off, n int, limit int64) error {
	if n == 0 {
		return nil
	}
	prev := intAt(b, width, off)
	if prev < 0 {
		return base.Corruptf("negative offset %d", prev)
	}
	for i := off + 1; i <= off+n; i++ {
		v := intAt(b, width, i)
		if v < prev {
			return base.Corruptf("offsets decrease at slot %d", i)
		}
		prev = v
	}
	if prev > limit {
		return base.Corruptf("offset %d beyond %d values", prev, limit)
	}
	return nil
}

// checkChildren checks d has want children, each valid and at least least
// long.
func checkChildren(d arrow.ArrayData, want int, least int64, depth int) error {
	children := d.Children()
	if len(children) != want {
		return base.Corruptf("%d children, want %d", len(children), want)
	}
	for i, c := range children {
		if c == nil {
			return base.Corruptf("child %d missing", i)
		}
		if err := validateData(c, depth+1); err != nil {
			return fmt.Errorf("child %d: %w", i, err)
		}
		if int64(c.Len()) < least {
			return base.Corruptf("child %d has %d values, needs %d", i, c.Len(), least)
		}
	}
	return nil
}

func checkListLike(d arrow.ArrayData, width, depth int) error {
	if err := checkChildren(d, 1, 0, depth); err != nil {
		return err
	}
	limit := int64(d.Children()[0].Len())
	return checkOffsets(bufBytes(d.Buffers(), 1), width, d.Offset(), d.Len(), limit)
}

// checkWithArrow validates children, then the array with arrow's own
// ValidateFull.
func checkWithArrow(d arrow.ArrayData, want, depth int) error {
	if err := checkChildren(d, want, 0, depth); err != nil {
		return err
	}
	return validateFull(d)
}

// validateFull runs arrow's ValidateFull where the array type has one.
func validateFull(d arrow.ArrayData) error {
	arr := array.MakeFromData(d)
	defer arr.Release()
	v, ok := arr.(interface{ ValidateFull() error })
	if !ok {
		return nil
	}
	if err := v.ValidateFull(); err != nil {
		return base.Corruptf("%v", err)
	}
	return nil
}

func checkUnion(d arrow.ArrayData, least int64, depth int) error {
	ut := d.DataType().(arrow.UnionType)
	if err := checkChildren(d, len(ut.Fields()), least, depth); err != nil {
		return err
	}
	return validateFull(d)
}

// checkRunEnds checks run ends rise strictly, cover the array and have a
// value each.
func checkRunEnds(d arrow.ArrayData, depth int) error {
	if err := checkChildren(d, 2, 0, depth); err != nil {
		return err
	}
	ends, values := d.Children()[0], d.Children()[1]
	if ends.NullN() != 0 || values.Len() < ends.Len() {
		return base.Corruptf("%d run ends (%d null) for %d values", ends.Len(), ends.NullN(), values.Len())
	}
	width := ends.DataType().(arrow.FixedWidthDataType).Bytes()
	b := bufBytes(ends.Buffers(), 1)
	prev := int64(0)
	for i := ends.Offset(); i < ends.Offset()+ends.Len(); i++ {
		v := intAt(b, width, i)
		if v <= prev {
			return base.Corruptf("run ends do not rise at run %d", i)
		}
		prev = v
	}
	if d.Len() > 0 && prev < int64(d.Offset()+d.Len()) {
		return base.Corruptf("runs end at %d, before %d", prev, d.Offset()+d.Len())
	}
	return nil
}

// checkViews checks every non-inline view points inside a variadic buffer.
func checkViews(bufs []*memory.Buffer, off, n int) error {
	views := bufBytes(bufs, 1)
	valid := bufBytes(bufs, 0)
	for i := off; i < off+n; i++ {
		if valid != nil && valid[i/8]&(1<<(i%8)) == 0 {
			continue
		}
		v := views[16*i:]
		size := int64(int32(binary.LittleEndian.Uint32(v)))
		if size < 0 {
			return base.Corruptf("view %d of negative size", i)
		}
		if size <= 12 {
			continue
		}
		idx := int64(int32(binary.LittleEndian.Uint32(v[8:])))
		start := int64(int32(binary.LittleEndian.Uint32(v[12:])))
		if idx < 0 || idx+2 >= int64(len(bufs)) || start < 0 ||
			start+size > int64(len(bufBytes(bufs, int(idx)+2))) {
			return base.Corruptf("view %d outside its data buffers", i)
		}
	}
	return nil
}

// checkIndices checks every valid index lies inside the dictionary.
func checkIndices(dt *arrow.DictionaryType, d arrow.ArrayData, depth int) error {
	dict := d.Dictionary()
	if dict == nil {
		return base.Corruptf("dictionary missing")
	}
	if err := validateData(dict, depth+1); err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	if _, ok := dt.IndexType.(arrow.FixedWidthDataType); !ok || !arrow.IsInteger(dt.IndexType.ID()) {
		return base.Corruptf("index type %s", dt.IndexType)
	}
	valid := bufBytes(d.Buffers(), 0)
	size := int64(dict.Len())
	for i := d.Offset(); i < d.Offset()+d.Len(); i++ {
		if valid != nil && valid[i/8]&(1<<(i%8)) == 0 {
			continue
		}
		v := indexAt(d, i)
		if v < 0 || v >= size {
			return base.Corruptf("index %d at slot %d outside a dictionary of %d", v, i, size)
		}
	}
	return nil
}

// indexAt reads slot i of the integer array d (of dictionary indices):
// signed, or unsigned narrower than 64 bits, as an int64.
func indexAt(d arrow.ArrayData, i int) int64 {
	dt := d.DataType()
	if t, ok := dt.(*arrow.DictionaryType); ok {
		dt = t.IndexType
	}
	width := dt.(arrow.FixedWidthDataType).BitWidth() / 8
	v := intAt(bufBytes(d.Buffers(), 1), width, i)
	if !arrow.IsSignedInteger(dt.ID()) && width < 8 {
		v &= int64(1)<<(8*width) - 1
	}
	return v
}

// mulFits reports whether a*b, both not negative, fits an int64.
func mulFits(a, b int64) bool {
	return a == 0 || b <= math.MaxInt64/a
}

// ValidateData checks that the buffers of d and its children hold what
// its type and length claim, as every record arrow decodes is checked
// before it leaves the decoder; the tests of ingest and of both decoders
// check their output with it.
func ValidateData(d arrow.ArrayData) error { return validateData(d, 0) }
