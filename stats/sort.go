package stats

import "math"

// sortFloats sorts finite float64 values ascending with an LSD radix sort on
// order-preserving 64-bit keys: 8 passes of 8 bits, skipping the passes
// whose byte is the same in every key (most of them for integer data). It is
// several times faster than a comparison sort on compactor-sized buffers.
// scratch is reused between calls.
func sortFloats(v []float64, scratch *[]uint64) {
	n := len(v)
	if isSorted(v) { // sequential ids and times arrive sorted
		return
	}
	if n < 64 {
		insertionSort(v)
		return
	}
	if cap(*scratch) < 2*n {
		*scratch = make([]uint64, 2*n)
	}
	keys, tmp := (*scratch)[:n], (*scratch)[n:2*n]
	first := floatKey(v[0])
	var diff uint64 // bits that differ between keys
	for i, f := range v {
		k := floatKey(f)
		keys[i] = k
		diff |= k ^ first
	}
	for b := range 8 {
		shift := uint(8 * b)
		if byte(diff>>shift) == 0 {
			continue // every key has the same byte here
		}
		radixPass(keys, tmp, shift)
		keys, tmp = tmp, keys
	}
	for i, k := range keys {
		v[i] = keyFloat(k)
	}
}

// radixPass scatters src into dst, stably ordered by the byte at shift.
func radixPass(src, dst []uint64, shift uint) {
	var h [256]int32
	for _, k := range src {
		h[byte(k>>shift)]++
	}
	var sum int32
	for d := range h {
		h[d], sum = sum, sum+h[d]
	}
	for _, k := range src {
		d := byte(k >> shift)
		dst[h[d]] = k
		h[d]++
	}
}

// floatKey maps a float64 to a uint64 with the same order.
func floatKey(f float64) uint64 {
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// keyFloat inverts floatKey.
func keyFloat(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}

func insertionSort(v []float64) {
	for i := 1; i < len(v); i++ {
		x := v[i]
		j := i
		for ; j > 0 && v[j-1] > x; j-- {
			v[j] = v[j-1]
		}
		v[j] = x
	}
}

func isSorted(v []float64) bool {
	for i := 1; i < len(v); i++ {
		if v[i] < v[i-1] {
			return false
		}
	}
	return true
}

// maxMergedRuns is the number of ascending runs up to which
// sortKeyCounts merges the runs rather than radix sorting: log2 of it
// merge passes cost about what the radix sort's passes do.
const maxMergedRuns = 16

// sortKeyCounts sorts keys ascending, carrying counts along, and returns
// both (in new slices when it had to move them): as they are when already
// sorted, by insertion when short, by merging when they form at most
// maxMergedRuns ascending runs, else by an LSD radix sort that skips the
// bytes every key shares.
func sortKeyCounts(keys []uint64, counts []int64) ([]uint64, []int64) {
	n := len(keys)
	runs := 1
	for i := 1; i < n && runs <= maxMergedRuns; i++ {
		if keys[i] < keys[i-1] {
			runs++
		}
	}
	switch {
	case runs == 1:
		return keys, counts
	case n < 64:
		insertionSortCounts(keys, counts)
		return keys, counts
	case runs <= maxMergedRuns:
		return mergeRuns(keys, counts)
	}
	return radixSortCounts(keys, counts)
}

func insertionSortCounts(keys []uint64, counts []int64) {
	for i := 1; i < len(keys); i++ {
		k, c := keys[i], counts[i]
		j := i
		for ; j > 0 && keys[j-1] > k; j-- {
			keys[j], counts[j] = keys[j-1], counts[j-1]
		}
		keys[j], counts[j] = k, c
	}
}

// mergeRuns sorts keys made of a few ascending runs by merging adjacent
// runs pairwise until one is left.
func mergeRuns(keys []uint64, counts []int64) ([]uint64, []int64) {
	var bounds []int // run starts, then len(keys)
	bounds = append(bounds, 0)
	for i := 1; i < len(keys); i++ {
		if keys[i] < keys[i-1] {
			bounds = append(bounds, i)
		}
	}
	bounds = append(bounds, len(keys))
	tk, tc := make([]uint64, len(keys)), make([]int64, len(keys))
	for len(bounds) > 2 {
		next := bounds[:1]
		for r := 0; r+1 < len(bounds); r += 2 {
			lo, mid := bounds[r], bounds[r+1]
			hi := mid
			if r+2 < len(bounds) {
				hi = bounds[r+2]
			}
			mergeTwo(keys, counts, tk, tc, lo, mid, hi)
			next = append(next, hi)
		}
		bounds = next
		keys, counts, tk, tc = tk, tc, keys, counts
	}
	return keys, counts
}

// mergeTwo merges the ascending runs [lo, mid) and [mid, hi) of keys into
// the same positions of dk (counts along into dc).
func mergeTwo(keys []uint64, counts []int64, dk []uint64, dc []int64, lo, mid, hi int) {
	i, j := lo, mid
	for o := lo; o < hi; o++ {
		if j == hi || i < mid && keys[i] <= keys[j] {
			dk[o], dc[o] = keys[i], counts[i]
			i++
		} else {
			dk[o], dc[o] = keys[j], counts[j]
			j++
		}
	}
}

// radixSortCounts sorts keys with 8-bit LSD passes, skipping the bytes
// every key shares.
func radixSortCounts(keys []uint64, counts []int64) ([]uint64, []int64) {
	var diff uint64
	for _, k := range keys {
		diff |= k ^ keys[0]
	}
	tk, tc := make([]uint64, len(keys)), make([]int64, len(keys))
	for b := range 8 {
		shift := uint(8 * b)
		if byte(diff>>shift) == 0 {
			continue
		}
		var h [256]int32
		for _, k := range keys {
			h[byte(k>>shift)]++
		}
		var sum int32
		for d := range h {
			h[d], sum = sum, sum+h[d]
		}
		for i, k := range keys {
			d := byte(k >> shift)
			tk[h[d]], tc[h[d]] = k, counts[i]
			h[d]++
		}
		keys, counts, tk, tc = tk, tc, keys, counts
	}
	return keys, counts
}
