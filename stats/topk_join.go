package stats

// Joined pairs the counters of two value-count summaries, A and B, by key.
// Entries of each side are numbered in [TopK.Entries] order (count
// descending, then key); BOfA[i] is the count B holds for A's i-th value
// and AOfB the reverse, -1 where the other side has no counter. A Joined
// reads the summaries it was made from: valid until either changes.
type Joined struct {
	BOfA, AOfB []int64

	a, b           *TopK
	aOrder, bOrder []int32 // counter index of each entry; nil: the same
}

// Join pairs the counters of a and b by key. It probes the smaller
// summary's counters into the larger one's own index, once each, and
// fills both directions from the hits: comparing two summaries costs one
// lookup per counter of the smaller, builds no map and copies no values.
func Join(a, b *TopK) Joined {
	if len(b.entries) > len(a.entries) {
		j := Join(b, a)
		return Joined{BOfA: j.AOfB, AOfB: j.BOfA, a: j.b, b: j.a, aOrder: j.bOrder, bOrder: j.aOrder}
	}
	j := Joined{a: a, b: b, aOrder: a.entriesOrder(), bOrder: b.entriesOrder(),
		BOfA: make([]int64, len(a.entries)), AOfB: make([]int64, len(b.entries))}
	for i := range j.BOfA {
		j.BOfA[i] = -1
	}
	aPos, bPos := positions(j.aOrder), positions(j.bOrder)
	for i, e := range b.entries {
		ai, ok := a.index.get(e.key, a.entries)
		if !ok {
			j.AOfB[at(bPos, i)] = -1
			continue
		}
		j.AOfB[at(bPos, i)] = a.entries[ai].count
		j.BOfA[at(aPos, int(ai))] = e.count
	}
	return j
}

// positions inverts an order: the position of each counter (nil for nil).
func positions(order []int32) []int32 {
	if order == nil {
		return nil
	}
	pos := make([]int32, len(order))
	for r, i := range order {
		pos[i] = int32(r)
	}
	return pos
}

// LenA returns the number of entries of A.
func (j Joined) LenA() int { return len(j.BOfA) }

// LenB returns the number of entries of B.
func (j Joined) LenB() int { return len(j.AOfB) }

// A returns A's i-th entry; its Value bytes are the summary's own.
func (j Joined) A(i int) FreqEntry { return j.a.entry(at(j.aOrder, i)) }

// B returns B's i-th entry; its Value bytes are the summary's own.
func (j Joined) B(i int) FreqEntry { return j.b.entry(at(j.bOrder, i)) }

// CountA returns the count of A's i-th entry.
func (j Joined) CountA(i int) int64 { return j.a.entries[at(j.aOrder, i)].count }

// CountB returns the count of B's i-th entry.
func (j Joined) CountB(i int) int64 { return j.b.entries[at(j.bOrder, i)].count }
