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
