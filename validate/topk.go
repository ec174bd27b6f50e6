package validate

import (
	"cmp"
	"slices"
)

// DefaultTopKCapacity is the number of counters a [TopK] keeps after a
// prune. Counts stay exact while a column has at most 4× this many distinct
// values.
const DefaultTopKCapacity = 1024

// TopK counts values by 64-bit key: the value itself for numbers and times,
// an xxh3 hash for strings and binaries (whose bytes are kept beside the
// count).
//
// While the number of distinct keys stays at most 4·Capacity every count is
// exact. Past that, a byte-valued summary is pruned Misra-Gries style (the
// mergeable summaries of Agarwal et al., 2012): the (Capacity+1)-th largest
// count is subtracted from every counter and non-positive counters are
// dropped, so each count is a lower bound at most MaxError below the truth
// and every value more frequent than N/(Capacity+1) is kept. Numeric
// summaries are dropped instead (Dropped): their distribution is described by
// the quantile sketch, and the distinct count moves to HyperLogLog.
type TopK struct {
	Capacity int   // counters kept after a prune
	N        int64 // values counted
	Pruned   bool  // counters were pruned: counts are lower bounds
	MaxError int64 // largest possible undercount of any value
	Dropped  bool  // numeric summary abandoned after overflow

	entries []topEntry
	index   keyIndex
	arena   []byte // value bytes of byte-keyed entries
	last    uint64 // key of the last hit, a cheap run cache
	lastIdx int32

	spare      []topEntry // reused by prune
	spareArena []byte
	counts     []int64
}

type topEntry struct {
	key      uint64
	count    int64
	off, len uint32 // value bytes in arena
}

// FreqEntry is one counted value.
type FreqEntry struct {
	Key   uint64 // the value's key: its bits for numbers, its hash for bytes
	Value []byte // the value for strings and binaries, nil otherwise
	Count int64
}

// NewTopK returns an empty summary (capacity DefaultTopKCapacity when <= 0).
func NewTopK(capacity int) *TopK {
	if capacity <= 0 {
		capacity = DefaultTopKCapacity
	}
	return &TopK{Capacity: capacity, lastIdx: -1}
}

// Exact reports whether every count is exact and every value is present.
func (t *TopK) Exact() bool { return !t.Pruned && !t.Dropped }

// Len returns the number of counters.
func (t *TopK) Len() int { return len(t.entries) }

// overflowing reports whether the summary must be pruned or dropped.
func (t *TopK) overflowing() bool { return len(t.entries) > 4*t.Capacity }

// addKeys counts numeric keys; it reports whether the summary overflowed
// (the caller then drops it after feeding the keys to HyperLogLog).
func (t *TopK) addKeys(keys []uint64) bool {
	idx, last := t.lastIdx, t.last
	for _, k := range keys {
		if k == last && idx >= 0 {
			t.entries[idx].count++
			continue
		}
		i, ok := t.index.get(k)
		if !ok {
			i = int32(len(t.entries))
			t.entries = append(t.entries, topEntry{key: k})
			t.index.put(k, i)
		}
		t.entries[i].count++
		idx, last = i, k
	}
	t.lastIdx, t.last = idx, last
	t.N += int64(len(keys))
	return t.overflowing()
}

// MaxKeptValue is the number of bytes of a string or binary value kept
// beside its count; longer values are counted by the hash of all their
// bytes but kept truncated, which bounds a summary's memory.
const MaxKeptValue = 256

// addBytes counts w occurrences of value b with hash key.
func (t *TopK) addBytes(key uint64, b []byte, w int64) {
	t.N += w
	if i, ok := t.index.get(key); ok {
		t.entries[i].count += w
		return
	}
	b = b[:min(len(b), MaxKeptValue)]
	t.index.put(key, int32(len(t.entries)))
	t.entries = append(t.entries, topEntry{key: key, count: w,
		off: uint32(len(t.arena)), len: uint32(len(b))})
	t.arena = append(t.arena, b...)
}

// value returns the bytes kept for entry e.
func (t *TopK) value(e topEntry) []byte {
	if e.len == 0 {
		return nil
	}
	return t.arena[e.off : e.off+e.len]
}

// prune keeps the counters above the (Capacity+1)-th largest count, minus
// that count, and compacts the arena. Buffers are recycled.
func (t *TopK) prune() {
	if len(t.entries) <= t.Capacity {
		return
	}
	counts := t.counts[:0]
	for _, e := range t.entries {
		counts = append(counts, e.count)
	}
	t.counts = counts
	c := nthLargest(counts, t.Capacity)
	old, oldArena := t.entries, t.arena
	entries, arena := t.spare[:0], t.spareArena[:0]
	t.index.reset()
	for _, e := range old {
		if e.count <= c {
			continue
		}
		t.index.put(e.key, int32(len(entries)))
		entries = append(entries, topEntry{key: e.key, count: e.count - c,
			off: uint32(len(arena)), len: e.len})
		arena = append(arena, oldArena[e.off:e.off+e.len]...)
	}
	t.entries, t.arena, t.spare, t.spareArena = entries, arena, old, oldArena
	t.Pruned = true
	t.MaxError += c
	t.lastIdx = -1
}

// nthLargest returns the value of rank n (0-based, descending) in v,
// reordering v (quickselect, median of three).
func nthLargest(v []int64, n int) int64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		p := max(min(v[lo], v[mid]), min(max(v[lo], v[mid]), v[hi]))
		i, j := lo, hi
		for i <= j {
			for v[i] > p {
				i++
			}
			for v[j] < p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case n <= j:
			hi = j
		case n >= i:
			lo = i
		default:
			return v[n]
		}
	}
	return v[n]
}

// drop abandons a numeric summary.
func (t *TopK) drop() {
	t.Dropped = true
	t.entries, t.arena, t.spare, t.spareArena, t.counts = nil, nil, nil, nil, nil
	t.index = keyIndex{}
	t.lastIdx = -1
}

// Entries returns the counters sorted by count (descending), then key.
func (t *TopK) Entries() []FreqEntry {
	out := make([]FreqEntry, len(t.entries))
	for i, e := range t.entries {
		out[i] = FreqEntry{Key: e.key, Value: t.value(e), Count: e.count}
	}
	slices.SortFunc(out, func(a, b FreqEntry) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return out
}

// keys yields every key (for HyperLogLog materialization).
func (t *TopK) keys(yield func(uint64)) {
	for _, e := range t.entries {
		yield(e.key)
	}
}

// merge adds o's counters to t. byteValued selects pruning over dropping.
func (t *TopK) merge(o *TopK) {
	t.N += o.N
	t.MaxError += o.MaxError
	t.Pruned = t.Pruned || o.Pruned
	if t.Dropped || o.Dropped {
		t.drop()
		return
	}
	for _, e := range o.entries {
		t.addBytes(e.key, o.value(e), e.count)
		t.N -= e.count // addBytes counted it; N was merged above
	}
	t.lastIdx = -1
}

// addWeighted counts w occurrences of a numeric key (w may be 0).
func (t *TopK) addWeighted(key uint64, w int64) {
	if w == 0 {
		return
	}
	t.addBytes(key, nil, w)
}
