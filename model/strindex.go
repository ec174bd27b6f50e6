package model

import (
	"encoding/binary"
	"math/bits"
)

// strIndex maps a categorical column's values to their one-hot position,
// like a map[string]int, but looks short values (up to 7 bytes: airport
// codes, most enums) up in an open-addressing table keyed by their bytes
// packed into a uint64, several times faster than a string map; longer
// values use a map.
type strIndex struct {
	keys  []uint64 // packed value, 0 for an empty slot
	pos   []int32
	shift uint
	long  map[string]int32
}

// maxPacked is the longest value packed into a key.
const maxPacked = 7

func newStrIndex(values []string) *strIndex {
	n := 1 << max(bits.Len(uint(2*len(values))), 3)
	x := &strIndex{keys: make([]uint64, n), pos: make([]int32, n), shift: uint(64 - bits.Len(uint(n-1)))}
	for i, v := range values {
		if len(v) > maxPacked {
			if x.long == nil {
				x.long = map[string]int32{}
			}
			x.long[v] = int32(i)
			continue
		}
		k := pack(v)
		j := x.slot(k)
		for x.keys[j] != 0 {
			j = (j + 1) & (len(x.keys) - 1)
		}
		x.keys[j], x.pos[j] = k, int32(i)
	}
	return x
}

// pack is s's bytes in the low 56 bits and its length plus one in the
// top 8, so that no key is 0, the empty slot.
func pack(s string) uint64 {
	var k uint64
	for i := range len(s) {
		k |= uint64(s[i]) << (8 * i)
	}
	return k | uint64(len(s)+1)<<56
}

func (x *strIndex) slot(k uint64) int { return int((k * 0x9E3779B97F4A7C15) >> x.shift) }

// get returns the position of s and whether it is one of the values.
func (x *strIndex) get(s string) (int32, bool) {
	if len(s) > maxPacked {
		p, ok := x.long[s]
		return p, ok
	}
	return x.lookup(pack(s))
}

// getBytes is get(string(data[lo:hi])) without the string: a short value
// with 8 bytes of data from lo on is packed with one load and a mask.
func (x *strIndex) getBytes(data []byte, lo, hi int) (int32, bool) {
	n := hi - lo
	switch {
	case n > maxPacked:
		p, ok := x.long[string(data[lo:hi])] // no copy for a map index
		return p, ok
	case lo+8 > len(data):
		var k uint64
		for i, b := range data[lo:hi] {
			k |= uint64(b) << (8 * i)
		}
		return x.lookup(k | uint64(n+1)<<56)
	}
	k := binary.LittleEndian.Uint64(data[lo:])&(1<<(8*n)-1) | uint64(n+1)<<56
	return x.lookup(k)
}

// lookup finds the packed key k.
func (x *strIndex) lookup(k uint64) (int32, bool) {
	for j := x.slot(k); ; j = (j + 1) & (len(x.keys) - 1) {
		switch x.keys[j] {
		case k:
			return x.pos[j], true
		case 0:
			return 0, false
		}
	}
}
