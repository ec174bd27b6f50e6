package stats

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

func TestSlabPool(t *testing.T) {
	var p slabPool[uint32]
	if small := p.get(100); cap(small) != 100 {
		t.Errorf("small buffer: cap %d, want 100 (not pooled)", cap(small))
	}
	b := p.get(minSlab + 1)
	if len(b) != 0 || cap(b) != minSlab+1 {
		t.Fatalf("get(%d): len %d cap %d", minSlab+1, len(b), cap(b))
	}
	b = append(b, 7)
	g := p.grow(b, minSlab+2)
	if cap(g) < 2*(minSlab+1) || len(g) != 1 || g[0] != 7 {
		t.Fatalf("grow kept len %d cap %d first %v", len(g), cap(g), g[:1])
	}
	if same := p.grow(g, 10); &same[0] != &g[0] {
		t.Error("grow reallocated a buffer with room")
	}
	// b went back to class 12 (sync.Pool may or may not keep it): a
	// larger request of the same class never gets a buffer too small.
	p.put(make([]uint32, 0, minSlab))
	if r := p.get(minSlab + 2); cap(r) < minSlab+2 {
		t.Errorf("get(%d) returned cap %d", minSlab+2, cap(r))
	}
}

// Summaries growing, pruning and dropping at once, two at a time in each
// goroutine and sharing the pools, count exactly what a map counts: a
// recycled buffer is never still in use.
func TestTopKRecycledBuffersConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := recycleRounds(w); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// recycleRounds fills pairs of summaries side by side, then drops or
// prunes the ones that overflowed, handing their buffers to the pools
// the next pair grows from.
func recycleRounds(w int) error {
	rng := rand.New(rand.NewPCG(uint64(w), 9))
	for round := range 10 {
		var pair [2]*TopK
		var want [2]map[string]int64
		distinct := [2]int{1 + rng.IntN(30_000), 1 + rng.IntN(30_000)}
		for s := range pair {
			pair[s] = NewTopK(0)
			pair[s].Limit = 1 << 13
			want[s] = map[string]int64{}
		}
		for i := range 120_000 {
			s := i % 2
			v := fmt.Sprintf("w%d-%d", w, rng.IntN(distinct[s]))
			pair[s].AddString(v, 1)
			want[s][v]++
		}
		for s, tk := range pair {
			if err := sameCounts(tk, want[s]); err != nil {
				return fmt.Errorf("worker %d round %d summary %d: %w", w, round, s, err)
			}
			switch {
			case !tk.Overflowing():
			case round%2 == 0:
				tk.Drop()
			default:
				tk.Prune()
			}
		}
	}
	return nil
}

// sameCounts compares a summary's counters with a map of exact counts.
func sameCounts(tk *TopK, want map[string]int64) error {
	got := map[string]int64{}
	for _, e := range tk.Entries() {
		got[string(e.Value)] = e.Count
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d values, want %d", len(got), len(want))
	}
	for v, n := range want {
		if got[v] != n {
			return fmt.Errorf("%q counted %d, want %d", v, got[v], n)
		}
	}
	return nil
}

// A summary whose values have all been distinct sizes its index for the
// exact bound at once; one whose values repeat grows step by step.
func TestTopKAnticipate(t *testing.T) {
	const limit = 1 << 14
	keys := func(n, repeat int) []uint64 { // each value repeat times in a row
		k := make([]uint64, n)
		for i := range k {
			k[i] = uint64(i / repeat)
		}
		return k
	}
	for _, tc := range []struct {
		name      string
		keys      []uint64
		wantSlots int
		wantLen   int
	}{
		{"all distinct", keys(3000, 1), 32768, 3000}, // (limit+chunk)·4/3 rounded up
		{"each twice", keys(3000, 2), 2048, 1500},
	} {
		tk := NewTopK(0)
		tk.Limit = limit
		for s := 0; s < len(tc.keys); s += 512 {
			tk.AddKeys(tc.keys[s : s+min(512, len(tc.keys)-s)])
		}
		if got := len(tk.index.slots); got != tc.wantSlots {
			t.Errorf("%s: %d index slots, want %d", tc.name, got, tc.wantSlots)
		}
		if tk.Len() != tc.wantLen {
			t.Errorf("%s: %d counters, want %d", tc.name, tk.Len(), tc.wantLen)
		}
	}
}

func TestSlabPoolGetZeroed(t *testing.T) {
	var p slabPool[int32]
	b := p.getZeroed(minSlab)
	for i := range b {
		b[i] = 1
	}
	p.put(b)
	for range 3 { // recycled or new, it comes back zeroed
		z := p.getZeroed(minSlab - 5)
		if len(z) != minSlab-5 || slices.ContainsFunc(z, func(v int32) bool { return v != 0 }) {
			t.Fatalf("getZeroed: len %d, a non-zero element: %v", len(z), slices.Contains(z, 1))
		}
		p.put(z)
	}
}
