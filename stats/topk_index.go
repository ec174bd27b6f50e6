package stats

// keyIndex maps 64-bit keys to entry indexes with open addressing and
// linear probing. Keys are spread with Fibonacci hashing, which is enough
// for xxh3 hashes and integer keys alike, and cheaper than the runtime map
// on the per-value path. A slot holds its key and value together, so a
// lookup in a table larger than the cache costs one miss, not two. The
// zero value is empty and ready.
type keyIndex struct {
	slots []indexSlot
	shift uint // 64 - log2(len(slots))
	n     int
}

type indexSlot struct {
	key uint64
	val int32 // entry index + 1; 0 marks an empty slot
}

const fib = 0x9e3779b97f4a7c15

func (m *keyIndex) slot(k uint64) uint64 { return (k * fib) >> m.shift }

// get returns the index stored for k.
func (m *keyIndex) get(k uint64) (int32, bool) {
	if m.n == 0 {
		return 0, false
	}
	mask := uint64(len(m.slots) - 1)
	for i := m.slot(k); ; i = (i + 1) & mask {
		s := m.slots[i]
		if s.val == 0 {
			return 0, false
		}
		if s.key == k {
			return s.val - 1, true
		}
	}
}

// put stores idx for k, which must not be present.
func (m *keyIndex) put(k uint64, idx int32) {
	if 2*(m.n+1) > len(m.slots) {
		m.grow(m.n + 1)
	}
	mask := uint64(len(m.slots) - 1)
	i := m.slot(k)
	for m.slots[i].val != 0 {
		i = (i + 1) & mask
	}
	m.slots[i] = indexSlot{k, idx + 1}
	m.n++
}

// reserve grows the table, if needed, to hold n keys without growing again.
func (m *keyIndex) reserve(n int) {
	if 2*n > len(m.slots) {
		m.grow(n)
	}
}

// grow resizes the table to at least 64 slots and twice n, a power of
// two, and reinserts every key.
func (m *keyIndex) grow(n int) {
	old := m.slots
	size := max(64, 2*len(old))
	for size < 2*n {
		size *= 2
	}
	m.slots = make([]indexSlot, size)
	m.shift = uint(64 - log2(size))
	m.n = 0
	for _, s := range old {
		if s.val != 0 {
			m.put(s.key, s.val-1)
		}
	}
}

// reset empties the table, keeping its storage.
func (m *keyIndex) reset() {
	clear(m.slots)
	m.n = 0
}

func log2(n int) int {
	l := 0
	for 1<<l < n {
		l++
	}
	return l
}
