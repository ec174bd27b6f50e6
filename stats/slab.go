package stats

import (
	"math/bits"
	"sync"
)

// minSlab is the capacity, in elements, from which the growing buffers
// of exact counters are recycled; smaller ones are left to the allocator.
const minSlab = 1 << 12

// slabPool recycles the large buffers a [TopK] outgrows, or lets go when
// it is dropped, by capacity class (the power of two at or below it):
// entries, offsets, value bytes and index slots of up to
// DefaultExactLimit values (megabytes a column). Profiling a table of
// many high-cardinality columns, or one file after another, otherwise
// allocates, zeroes and collects the same sizes again and again, and the
// fresh pages cost the kernel as much as the counting. Pooled buffers are
// dropped by the garbage collector within two cycles when unused.
type slabPool[T any] struct {
	classes [48]sync.Pool // class c holds *[]T of capacity in [1<<c, 1<<(c+1))
}

var (
	entrySlabs slabPool[topEntry]
	slotSlabs  slabPool[indexSlot]
	offSlabs   slabPool[uint32]
	byteSlabs  slabPool[byte]
)

// class returns the class of capacity n: floor(log2 n).
func class(n int) int { return bits.Len(uint(n)) - 1 }

// recycled returns a pooled buffer of n's class with room for n, if
// there is one; one too small is left to the collector.
func (p *slabPool[T]) recycled(n int) ([]T, bool) {
	if n < minSlab {
		return nil, false
	}
	v, ok := p.classes[class(n)].Get().(*[]T)
	if !ok || cap(*v) < n {
		return nil, false
	}
	return *v, true
}

// get returns an empty slice with room for at least n elements, recycled
// or new. Its spare capacity holds arbitrary values.
func (p *slabPool[T]) get(n int) []T {
	if s, ok := p.recycled(n); ok {
		return s[:0]
	}
	return make([]T, 0, n)
}

// getZeroed returns a slice of n zero elements: a recycled one cleared,
// or a new one, which the allocator has zeroed already.
func (p *slabPool[T]) getZeroed(n int) []T {
	if s, ok := p.recycled(n); ok {
		s = s[:n]
		clear(s)
		return s
	}
	return make([]T, n)
}

// put hands s back for reuse. Nothing may use s afterwards.
func (p *slabPool[T]) put(s []T) {
	if cap(s) < minSlab {
		return
	}
	s = s[:0]
	p.classes[class(cap(s))].Put(&s)
}

// grow returns s with room for at least need elements: s itself when it
// has the room, else a copy in a buffer of at least twice its capacity,
// s being recycled.
func (p *slabPool[T]) grow(s []T, need int) []T {
	if need <= cap(s) {
		return s
	}
	ns := append(p.get(max(need, 2*cap(s), 16)), s...)
	p.put(s)
	return ns
}
