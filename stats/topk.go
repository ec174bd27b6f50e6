package stats

import (
	"cmp"
	"iter"
	"slices"
	"unsafe"

	"github.com/zeebo/xxh3"
)

// DefaultTopKCapacity is the number of counters a [TopK] keeps after a
// prune. Without a Limit, counts stay exact while a column has at most 4×
// this many distinct values.
const DefaultTopKCapacity = 1024

// DefaultExactLimit is the number of distinct values whose counts profiles
// keep exactly (TopK.Limit) before they fall back to a pruned summary or a
// sketch: 131,072, enough for airports, ZIP codes and most product
// catalogues. A counter costs about 100 bytes (entry, index slots, slice
// growth) plus the kept bytes of its value, so a column at the bound holds
// about 13 MiB for numbers and short strings and at most 46 MiB for
// strings of MaxKeptValue bytes or more. A column whose first thousand
// values are all distinct gets the index for the bound (2 MiB) at once.
const DefaultExactLimit = 1 << 17

// DefaultNumericExactLimit is the number of distinct values whose counts
// profiles keep exactly for numeric and time columns: 16,384 (under 2 MiB
// per column), enough for codes, counts, prices in cents over a range,
// distances and delays in whole units. Continuous values rarely repeat,
// and tracking them longer would cost profiling time without making more
// columns exact; their quantile sketch answers instead, with stated
// error bounds.
const DefaultNumericExactLimit = 1 << 14

// MaxKeptValue is the number of bytes of a string or binary value a [TopK]
// keeps beside its count unless TopK.MaxValue says otherwise; longer
// values are counted by the hash of all their bytes but kept truncated,
// which bounds a summary's memory.
const MaxKeptValue = 256

// HashBytes is the key of a string or binary value in a [TopK] and a
// [Distinct]: xxh3-64 with seed 0.
func HashBytes(b []byte) uint64 { return xxh3.Hash(b) }

// HashString is HashBytes of the bytes of s.
func HashString(s string) uint64 { return xxh3.HashString(s) }

// TopK counts values by 64-bit key: the value itself for numbers and times,
// [HashBytes] for strings and binaries (whose bytes are kept beside the
// count).
//
// While the number of distinct keys stays at most Limit (4·Capacity unless
// set) every count is exact. Past that ([TopK.Overflowing]) the owner either prunes the summary
// Misra-Gries style ([TopK.Prune]; the mergeable summaries of Agarwal et
// al., 2012): the (Capacity+1)-th largest count is subtracted from every
// counter and non-positive counters are dropped, so each count is a lower
// bound at most MaxError below the truth and every value more frequent
// than N/(Capacity+1) is kept; or drops it ([TopK.Drop]), as profiles do
// for numbers, whose distribution a quantile sketch describes.
//
// The counters encode with encoding/json (MarshalJSON); the zero value is
// not ready, use [NewTopK].
type TopK struct {
	Capacity int // counters kept after a prune
	// Limit is the number of counters kept exactly: the summary overflows
	// past it. Defaults to 4·Capacity, which is also the bound of a
	// pruned summary.
	Limit    int
	N        int64 // values counted
	Pruned   bool  // counters were pruned: counts are lower bounds
	MaxError int64 // largest possible undercount of any value
	Dropped  bool  // summary abandoned after overflow
	// MaxValue is the number of bytes of a value kept beside its count.
	// Defaults to MaxKeptValue. It is not saved: a decoded summary keeps
	// the default.
	MaxValue int

	entries []topEntry
	index   keyIndex
	arena   []byte // value bytes of byte-keyed entries
	// offs is nil while no entry has value bytes (arena is empty), else
	// len(entries)+1 offsets: entry i's bytes are arena[offs[i]:offs[i+1]].
	// Numeric summaries thus cost 16 bytes an entry, strings 20.
	offs    []uint32
	last    uint64 // key of the last hit, a cheap run cache
	lastIdx int32

	spare      []topEntry // reused by prune
	spareArena []byte
	spareOffs  []uint32
	counts     []int64
	touched    int32 // sum of the slots Prefetch read, kept so the reads stay
	// sorted reports that entries are in Entries' order (count
	// descending, then key), as a decoded summary's are; any change
	// clears it.
	sorted bool
}

type topEntry struct {
	key   uint64
	count int64
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

// Overflowing reports whether the summary holds more than Limit counters
// and must be pruned or dropped.
func (t *TopK) Overflowing() bool { return len(t.entries) > t.limit() }

// limit returns Limit while the counts are exact, else (or when Limit is
// unset) 4·Capacity: once pruned, the summary is a Misra-Gries summary of
// Capacity counters and stays small.
func (t *TopK) limit() int {
	if t.Limit > 0 && !t.Pruned {
		return t.Limit
	}
	return 4 * t.Capacity
}

// AddKeys counts numeric keys once each; it reports whether the summary
// overflowed.
func (t *TopK) AddKeys(keys []uint64) bool {
	t.Prefetch(keys)
	idx, last := t.lastIdx, t.last
	for _, k := range keys {
		if k == last && idx >= 0 {
			t.entries[idx].count++
			continue
		}
		i, ok := t.index.getOrPut(k, int32(len(t.entries)), t.entries)
		if !ok {
			t.entries = appendEntry(t.entries, topEntry{key: k})
			if t.offs != nil {
				t.offs = append(t.offs, uint32(len(t.arena)))
			}
		}
		t.entries[i].count++
		idx, last = i, k
	}
	t.lastIdx, t.last = idx, last
	t.N += int64(len(keys))
	t.sorted = false
	return t.Overflowing()
}

// AddString counts w occurrences of s, keyed by HashString(s), as
// AddBytes counts its bytes. s is copied.
func (t *TopK) AddString(s string, w int64) {
	// AddBytes only reads the bytes (it copies them into the arena), so
	// viewing the string's bytes without a copy is safe.
	t.AddBytes(HashString(s), unsafe.Slice(unsafe.StringData(s), len(s)), w)
}

// AddBytes counts w occurrences of value b with key (HashBytes(b) for
// strings and binaries). b is copied.
func (t *TopK) AddBytes(key uint64, b []byte, w int64) { t.CountBytes(key, b, w) }

// CountBytes is AddBytes, and reports whether key had no counter: a
// [Distinct] seeded with the counters' keys need only see the new ones.
func (t *TopK) CountBytes(key uint64, b []byte, w int64) (added bool) {
	t.N += w
	t.sorted = false
	if i, ok := t.index.getOrPut(key, int32(len(t.entries)), t.entries); ok {
		t.entries[i].count += w
		return false
	}
	keep := t.MaxValue
	if keep <= 0 {
		keep = MaxKeptValue
	}
	b = b[:min(len(b), keep)]
	t.entries = appendEntry(t.entries, topEntry{key: key, count: w})
	if t.offs == nil {
		if len(b) == 0 {
			return true
		}
		// The entries before this one have no bytes, and this one's
		// start at 0.
		t.offs = offSlabs.get(2 * cap(t.entries))[:len(t.entries)]
		clear(t.offs)
	}
	if len(t.arena)+len(b) > cap(t.arena) {
		t.arena = byteSlabs.grow(t.arena, len(t.arena)+len(b))
	}
	t.arena = append(t.arena, b...)
	if len(t.offs) == cap(t.offs) {
		t.offs = offSlabs.grow(t.offs, len(t.offs)+1)
	}
	t.offs = append(t.offs, uint32(len(t.arena)))
	return true
}

// Prefetch brings the index slots of keys into cache before they are
// added one by one (AddBytes), which pays off once the summary is larger
// than the cache: a chunk's misses overlap instead of following each
// other. It changes no count (it may size the index ahead, see
// anticipate).
func (t *TopK) Prefetch(keys []uint64) {
	t.anticipate(len(keys))
	t.touched += t.index.touch(keys)
}

// anticipate sizes the index for the exact bound, plus k keys, once the
// values counted so far have nearly all been distinct (an identifier, a
// continuous measure) and the next k keys could fill it: such a column
// will most likely reach the bound, and growing the index there step by
// step rehashed about two thirds of its keys again. It changes nothing
// else. (Reserving the counters as well saved little more and cost
// flights-3m 8 % more peak memory: its time column, nearly all distinct
// within a row group, stays well under the bound.)
func (t *TopK) anticipate(k int) {
	n := len(t.entries)
	if n < 1024 || t.Pruned || !t.index.full(n+k) || int64(n)*8 < t.N*7 {
		return
	}
	t.index.reserve(t.limit() + k)
}

// appendEntry appends e, doubling the capacity when full (the runtime
// grows large slices by a quarter, which copies a large summary's entries
// several times more) and recycling the outgrown buffer.
func appendEntry(s []topEntry, e topEntry) []topEntry {
	if len(s) == cap(s) {
		s = entrySlabs.grow(s, len(s)+1)
	}
	return append(s, e)
}

// AddWeighted counts w occurrences of a numeric key (w may be 0).
func (t *TopK) AddWeighted(key uint64, w int64) {
	if w == 0 {
		return
	}
	t.AddBytes(key, nil, w)
}

// value returns the bytes kept for entry i, nil when none.
func (t *TopK) value(i int) []byte {
	if t.offs == nil {
		return nil
	}
	lo, hi := t.offs[i], t.offs[i+1]
	if lo == hi {
		return nil
	}
	return t.arena[lo:hi]
}

// Prune keeps the counters above the (Capacity+1)-th largest count, minus
// that count, and compacts the arena. Buffers are recycled.
func (t *TopK) Prune() {
	if len(t.entries) <= t.Capacity {
		return
	}
	counts := t.counts[:0]
	for _, e := range t.entries {
		counts = append(counts, e.count)
	}
	t.counts = counts
	c := nthLargest(counts, t.Capacity)
	old, oldArena, oldOffs := t.entries, t.arena, t.offs
	entries, arena := t.spare[:0], t.spareArena[:0]
	var offs []uint32
	if oldOffs != nil {
		offs = append(t.spareOffs[:0], 0)
	}
	t.resetIndex()
	for i, e := range old {
		if e.count <= c {
			continue
		}
		t.index.put(e.key, int32(len(entries)))
		entries = append(entries, topEntry{key: e.key, count: e.count - c})
		if offs != nil {
			arena = append(arena, oldArena[oldOffs[i]:oldOffs[i+1]]...)
			offs = append(offs, uint32(len(arena)))
		}
	}
	t.entries, t.arena, t.offs = entries, arena, offs
	t.spare, t.spareArena, t.spareOffs = old, oldArena, oldOffs
	if cap(old) > 2*pruneRoom(t.Capacity) {
		// The exact phase's buffers (up to Limit counters, megabytes)
		// are far larger than a pruned summary needs: let them go to
		// the collector rather than the pools, which would keep them
		// for two collections where nothing else is likely to need
		// them (10 % more peak memory profiling a file of two
		// high-cardinality row groups).
		t.spare, t.spareArena, t.spareOffs = nil, nil, nil
	}
	t.Pruned = true
	t.MaxError += c
	t.lastIdx = -1
	t.sorted = false
}

// pruneRoom is the number of counters a pruned summary of the given
// capacity holds at most between two prunes: its bound, 4·capacity, and a
// chunk of new values past it.
func pruneRoom(capacity int) int { return 8 * capacity }

// resetIndex empties the index for a prune. An index sized for the exact
// phase (up to Limit counters, megabytes) is replaced by one sized for the
// pruned summary: clearing and probing the large one on every prune cost
// more than the counting itself.
func (t *TopK) resetIndex() {
	room := pruneRoom(t.Capacity)
	if len(t.index.slots) > 4*room {
		t.index = keyIndex{}
		t.index.reserve(room)
		return
	}
	t.index.reset()
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

// Drop abandons the summary: its counters go back to the pools other
// summaries grow from (Entries' values must not be used afterwards) and
// Dropped is set. N still counts the values added later.
func (t *TopK) Drop() {
	t.Dropped = true
	entrySlabs.put(t.entries)
	entrySlabs.put(t.spare)
	byteSlabs.put(t.arena)
	byteSlabs.put(t.spareArena)
	offSlabs.put(t.offs)
	offSlabs.put(t.spareOffs)
	t.entries, t.arena, t.offs, t.counts = nil, nil, nil, nil
	t.spare, t.spareArena, t.spareOffs = nil, nil, nil
	t.index.release()
	t.lastIdx = -1
}

// Entries returns the counters sorted by count (descending), then key.
// The Value bytes are the summary's own: valid until the next change. A
// decoded summary is already in that order and is not sorted again.
func (t *TopK) Entries() []FreqEntry {
	order := t.entriesOrder()
	out := make([]FreqEntry, len(t.entries))
	for r := range out {
		out[r] = t.entry(at(order, r))
	}
	return out
}

// entry returns counter i as a FreqEntry.
func (t *TopK) entry(i int) FreqEntry {
	e := t.entries[i]
	return FreqEntry{Key: e.key, Value: t.value(i), Count: e.count}
}

// entriesOrder returns the counters' indexes in Entries order, or nil when
// the counters are already in that order.
func (t *TopK) entriesOrder() []int32 {
	if t.sorted {
		return nil
	}
	order := make([]int32, len(t.entries))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return compareEntries(t.entry(int(a)), t.entry(int(b)))
	})
	return order
}

// at returns the i-th element of an order or position table, i itself for
// the identity (nil).
func at(table []int32, i int) int {
	if table == nil {
		return i
	}
	return int(table[i])
}

// compareEntries orders entries by count (descending), then key.
func compareEntries(a, b FreqEntry) int {
	if c := cmp.Compare(b.Count, a.Count); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// inEntriesOrder reports whether the counters are in Entries' order.
func (t *TopK) inEntriesOrder() bool {
	for i := 1; i < len(t.entries); i++ {
		a, b := t.entries[i-1], t.entries[i]
		if a.count < b.count || a.count == b.count && a.key >= b.key {
			return false
		}
	}
	return true
}

// Counts yields the key and count of every counter, in no particular
// order and without sorting or copying values.
func (t *TopK) Counts() iter.Seq2[uint64, int64] {
	return func(yield func(uint64, int64) bool) {
		for _, e := range t.entries {
			if !yield(e.key, e.count) {
				return
			}
		}
	}
}

// Keys yields the key of every counter, in no particular order (to seed a
// [Distinct]).
func (t *TopK) Keys() iter.Seq[uint64] {
	return func(yield func(uint64) bool) {
		for _, e := range t.entries {
			if !yield(e.key) {
				return
			}
		}
	}
}

// Merge adds o's counters to t; o is not modified. A dropped side drops
// the result. Merge does not prune: the owner checks Overflowing.
func (t *TopK) Merge(o *TopK) {
	t.N += o.N
	t.Limit = max(t.Limit, o.Limit)
	t.MaxError += o.MaxError
	t.Pruned = t.Pruned || o.Pruned
	if t.Dropped || o.Dropped {
		t.Drop()
		return
	}
	t.index.reserve(len(t.entries) + len(o.entries))
	for i, e := range o.entries {
		t.AddBytes(e.key, o.value(i), e.count)
		t.N -= e.count // AddBytes counted it; N was merged above
	}
	t.lastIdx = -1
}
