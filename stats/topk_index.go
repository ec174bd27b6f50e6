package stats

// keyIndex maps 64-bit keys to entry indexes with open addressing and
// linear probing. Keys are spread with Fibonacci hashing, which is enough
// for xxh3 hashes and integer keys alike, and cheaper than the runtime map
// on the per-value path. The zero value is empty and ready.
type keyIndex struct {
	keys  []uint64
	vals  []int32 // entry index + 1; 0 marks an empty slot
	shift uint    // 64 - log2(len(keys))
	n     int
}

const fib = 0x9e3779b97f4a7c15

func (m *keyIndex) slot(k uint64) uint64 { return (k * fib) >> m.shift }

// get returns the index stored for k.
func (m *keyIndex) get(k uint64) (int32, bool) {
	if m.n == 0 {
		return 0, false
	}
	mask := uint64(len(m.keys) - 1)
	for i := m.slot(k); ; i = (i + 1) & mask {
		v := m.vals[i]
		if v == 0 {
			return 0, false
		}
		if m.keys[i] == k {
			return v - 1, true
		}
	}
}

// put stores idx for k, which must not be present.
func (m *keyIndex) put(k uint64, idx int32) {
	if 2*(m.n+1) > len(m.keys) {
		m.grow()
	}
	mask := uint64(len(m.keys) - 1)
	i := m.slot(k)
	for m.vals[i] != 0 {
		i = (i + 1) & mask
	}
	m.keys[i], m.vals[i] = k, idx+1
	m.n++
}

// grow doubles the table (at least 64 slots) and reinserts every key.
func (m *keyIndex) grow() {
	oldKeys, oldVals := m.keys, m.vals
	size := max(64, 2*len(oldKeys))
	m.keys, m.vals = make([]uint64, size), make([]int32, size)
	m.shift = uint(64 - log2(size))
	m.n = 0
	for i, v := range oldVals {
		if v != 0 {
			m.put(oldKeys[i], v-1)
		}
	}
}

// reset empties the table, keeping its storage.
func (m *keyIndex) reset() {
	clear(m.vals)
	m.n = 0
}

func log2(n int) int {
	l := 0
	for 1<<l < n {
		l++
	}
	return l
}
