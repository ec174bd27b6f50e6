package stats

// keyIndex maps 64-bit keys to entry indexes with open addressing and
// linear probing. Keys are spread with Fibonacci hashing (h = k·φ), which
// is enough for xxh3 hashes and integer keys alike, and cheaper than the
// runtime map on the per-value path.
//
// A slot is 8 bytes: the top 32 bits of h, which give the key's home slot
// in any table up to 2^32 slots, and the entry index. The key itself is
// the entry's: a lookup compares the tags, then the entry's key, which a
// hit reads anyway to count. Growing reads no entry, and the table is
// half the size (and half the clearing and cache misses) of one holding
// whole keys. The zero value is empty and ready.
type keyIndex struct {
	slots []indexSlot
	bits  uint // log2(len(slots))
	n     int
}

type indexSlot struct {
	tag uint32 // top 32 bits of k·φ
	val int32  // entry index + 1; 0 marks an empty slot
}

const fib = 0x9e3779b97f4a7c15

// tagOf returns the 32 bits of a key's hash that a slot keeps.
func tagOf(k uint64) uint32 { return uint32((k * fib) >> 32) }

// home returns the slot where probing for tag starts.
func (m *keyIndex) home(tag uint32) uint64 { return uint64(tag >> (32 - m.bits)) }

// get returns the index stored for k; entries holds the keys.
func (m *keyIndex) get(k uint64, entries []topEntry) (int32, bool) {
	if m.n == 0 {
		return 0, false
	}
	tag := tagOf(k)
	mask := uint64(len(m.slots) - 1)
	for i := m.home(tag); ; i = (i + 1) & mask {
		s := m.slots[i]
		if s.val == 0 {
			return 0, false
		}
		if s.tag == tag && entries[s.val-1].key == k {
			return s.val - 1, true
		}
	}
}

// getOrPut returns the index stored for k and true, or stores idx for k
// and returns idx and false: one probe where get then put take two.
// entries holds the keys of the stored indexes.
func (m *keyIndex) getOrPut(k uint64, idx int32, entries []topEntry) (int32, bool) {
	if m.full(m.n + 1) {
		m.grow(m.n + 1)
	}
	tag := tagOf(k)
	mask := uint64(len(m.slots) - 1)
	for i := m.home(tag); ; i = (i + 1) & mask {
		s := &m.slots[i]
		if s.val == 0 {
			*s = indexSlot{tag, idx + 1}
			m.n++
			return idx, false
		}
		if s.tag == tag && entries[s.val-1].key == k {
			return s.val - 1, true
		}
	}
}

// touch reads the home slot of every key, so that the lookups that follow
// find them in cache: the loads are independent, and the processor
// overlaps their misses, where a lookup followed by an insert waits for
// each miss in turn. It returns a value only to keep the loads.
func (m *keyIndex) touch(keys []uint64) int32 {
	if len(m.slots) < 1<<14 { // 128 KiB: the table stays in cache
		return 0
	}
	var acc int32
	for _, k := range keys {
		acc += m.slots[m.home(tagOf(k))].val
	}
	return acc
}

// put stores idx for k, which must not be present.
func (m *keyIndex) put(k uint64, idx int32) {
	if m.full(m.n + 1) {
		m.grow(m.n + 1)
	}
	m.place(indexSlot{tagOf(k), idx + 1})
	m.n++
}

// place stores s in the first free slot from its home.
func (m *keyIndex) place(s indexSlot) {
	mask := uint64(len(m.slots) - 1)
	i := m.home(s.tag)
	for m.slots[i].val != 0 {
		i = (i + 1) & mask
	}
	m.slots[i] = s
}

// reserve grows the table, if needed, to hold n keys without growing again.
func (m *keyIndex) reserve(n int) {
	if m.full(n) {
		m.grow(n)
	}
}

// full reports whether n keys would fill the table past its load bound,
// three quarters: with 8 slots to a cache line, the longer probes of
// linear probing at that load mostly stay on the line they start on.
func (m *keyIndex) full(n int) bool { return 4*n > 3*len(m.slots) }

// grow resizes the table to at least 64 slots and room for n keys, a
// power of two, and reinserts every slot from its tag alone.
func (m *keyIndex) grow(n int) {
	old := m.slots
	size := max(64, 2*len(old))
	if len(old) >= 1<<12 {
		// A table this large belongs to a column of many distinct
		// values: quadrupling halves the rehashing on the way to its
		// bound, and the sizes (2^12, 2^14, …, 2^18) still fit the
		// default bound of 131,072 values in 2 MiB.
		size = 4 * len(old)
	}
	for 4*n > 3*size {
		size *= 2
	}
	m.slots = slotSlabs.getZeroed(size)
	m.bits = uint(log2(size))
	for _, s := range old {
		if s.val != 0 {
			m.place(s)
		}
	}
	slotSlabs.put(old)
}

// release empties the table and recycles its storage.
func (m *keyIndex) release() {
	slotSlabs.put(m.slots)
	*m = keyIndex{}
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
