package stats

import (
	"math"
	"sync"
	"unsafe"
)

// KeyKind says what number a [TopK]'s 64-bit keys stand for.
type KeyKind uint8

// The kinds of numeric keys.
const (
	KeyInt64   KeyKind = iota // the key's bits as an int64 (integers, times)
	KeyUint64                 // the key as a uint64
	KeyFloat64                // the key's bits as a float64
)

// SortedView returns the exact sorted view of the counted numbers, whose
// keys are of kind k (the counters must be exact and the numbers finite).
// It reads the counters directly and sorts them as [CountsView] does, on
// keys whose order is the numbers' order, so a view of tens of thousands
// of counts costs about a linear pass when they come sorted or in a few
// runs (as a saved summary's do) and a radix sort otherwise.
func (t *TopK) SortedView(k KeyKind) SortedView {
	n := len(t.entries)
	if n == 0 {
		return SortedView{}
	}
	// The keys are sorted in the memory of the values (same size), which
	// each then replaces at its own index.
	values, cum := viewBuffers(n)
	keys := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(values))), n)
	// One loop per kind keeps the conversions out of a switch per value.
	switch k {
	case KeyInt64:
		for i, e := range t.entries {
			keys[i], cum[i] = e.key^1<<63, e.count
		}
	case KeyFloat64:
		for i, e := range t.entries {
			keys[i], cum[i] = floatKey(math.Float64frombits(e.key)), e.count
		}
	default:
		for i, e := range t.entries {
			keys[i], cum[i] = e.key, e.count
		}
	}
	keys, cum = sortKeyCounts(keys, cum)
	sv := SortedView{Values: values, Cum: cum}
	var c int64
	for i := range cum {
		c += cum[i]
		cum[i] = c
	}
	switch k {
	case KeyInt64:
		for i, key := range keys {
			values[i] = float64(int64(key ^ 1<<63))
		}
	case KeyFloat64:
		for i, key := range keys {
			values[i] = keyFloat(key)
		}
	default:
		for i, key := range keys {
			values[i] = float64(key)
		}
	}
	sv.N = c
	if len(keys) > 0 {
		sv.Min, sv.Max = sv.Values[0], sv.Values[len(keys)-1]
	}
	return sv
}

// orderKey maps a key of kind k to a uint64 in the order of the numbers.
func orderKey(key uint64, k KeyKind) uint64 {
	switch k {
	case KeyInt64:
		return key ^ 1<<63
	case KeyFloat64:
		return floatKey(math.Float64frombits(key))
	}
	return key
}

// keyNumber inverts orderKey and returns the number.
func keyNumber(key uint64, k KeyKind) float64 {
	switch k {
	case KeyInt64:
		return float64(int64(key ^ 1<<63))
	case KeyFloat64:
		return keyFloat(key)
	}
	return float64(key)
}

// viewBuf holds the buffers of a released view.
type viewBuf struct {
	values []float64
	cum    []int64
}

// viewPool keeps the buffers of released views (*viewBuf) for the next
// exact views: drift builds two views of up to tens of thousands of values
// per numeric column, and allocating (and zeroing, and collecting) them
// afresh each time cost about a tenth of a comparison.
var viewPool sync.Pool

// viewBuffers returns buffers of length n for a view, from a released view
// when one is large enough. Their contents are arbitrary.
func viewBuffers(n int) ([]float64, []int64) {
	if b, ok := viewPool.Get().(*viewBuf); ok {
		if cap(b.values) >= n && cap(b.cum) >= n {
			return b.values[:n], b.cum[:n]
		}
		// Too small: dropped, and the larger buffers made below are
		// the ones released next.
	}
	return make([]float64, n), make([]int64, n)
}

// Release hands the view's buffers back for reuse by the next exact view
// a [TopK] builds ([TopK.SortedView]). The view, and every slice of its
// Values and Cum, must not be used afterwards. Releasing is optional.
func (sv *SortedView) Release() {
	if cap(sv.Values) == 0 || cap(sv.Cum) == 0 {
		return
	}
	viewPool.Put(&viewBuf{values: sv.Values, cum: sv.Cum})
	*sv = SortedView{}
}
