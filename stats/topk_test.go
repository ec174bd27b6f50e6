package stats

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestNthLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		v := make([]int64, 1+rng.IntN(300))
		for i := range v {
			v[i] = int64(rng.IntN(1 + rng.IntN(20)))
		}
		n := rng.IntN(len(v))
		want := slices.Clone(v)
		slices.Sort(want)
		slices.Reverse(want)
		if got := nthLargest(v, n); got != want[n] {
			t.Fatalf("nthLargest(%v, %d) = %d, want %d", want, n, got, want[n])
		}
	}
}

// Values are kept up to MaxValue bytes (MaxKeptValue by default) but
// counted by the key of all their bytes.
func TestTopKMaxValue(t *testing.T) {
	long := []byte(strings.Repeat("x", 1000))
	longer := append(slices.Clone(long), 'y')
	for _, tc := range []struct {
		max, kept int
	}{{0, MaxKeptValue}, {10, 10}, {5000, 1000}} {
		tk := NewTopK(0)
		tk.MaxValue = tc.max
		for _, v := range [][]byte{long, longer, long} {
			tk.AddBytes(HashBytes(v), v, 1)
		}
		e := tk.Entries()
		if len(e) != 2 || e[0].Count != 2 || len(e[0].Value) != tc.kept || e[0].Key != HashBytes(long) {
			t.Errorf("MaxValue %d: entries %d, top count %d, kept %d bytes, want 2, 2, %d",
				tc.max, len(e), e[0].Count, len(e[0].Value), tc.kept)
		}
	}
}

// Merging summaries gives the counts of the concatenated input; pruning
// keeps every count a lower bound within MaxError.
func TestTopKMergePrune(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	exact := map[uint64]int64{}
	parts := []*TopK{NewTopK(8), NewTopK(8), NewTopK(8)}
	for i := range 3000 {
		k := uint64(rng.IntN(5))
		if i%3 == 0 {
			k = 100 + uint64(rng.IntN(1000))
		}
		exact[k]++
		parts[i%3].AddWeighted(k, 1)
		if parts[i%3].Overflowing() {
			parts[i%3].Prune()
		}
	}
	all := parts[0]
	all.Merge(parts[1])
	all.Merge(parts[2])
	all.Prune()
	if all.N != 3000 || all.Exact() {
		t.Fatalf("n %d exact %v", all.N, all.Exact())
	}
	for _, e := range all.Entries() {
		if tru := exact[e.Key]; e.Count > tru || e.Count < tru-all.MaxError {
			t.Errorf("key %d: count %d, true %d, max error %d", e.Key, e.Count, tru, all.MaxError)
		}
	}
	for k := range uint64(5) { // every value above N/(capacity+1) is kept
		if !slices.ContainsFunc(all.Entries(), func(e FreqEntry) bool { return e.Key == k }) {
			t.Errorf("heavy key %d lost", k)
		}
	}
}

// TestTopKLimit checks that counts stay exact up to Limit, that the limit
// survives JSON and merges, and that a pruned summary is bounded by
// 4·Capacity again.
func TestTopKLimit(t *testing.T) {
	a, b := NewTopK(4), NewTopK(4)
	a.Limit, b.Limit = 100, 100
	for i := range 60 {
		a.AddWeighted(uint64(i), 1)
		b.AddWeighted(uint64(i+30), 2)
	}
	if a.Overflowing() || !a.Exact() {
		t.Fatalf("60 keys under a limit of 100: overflowing %v, exact %v", a.Overflowing(), a.Exact())
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back TopK
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Limit != 100 || back.Len() != 60 || back.N != 60 {
		t.Fatalf("decoded limit %d, %d counters, n %d", back.Limit, back.Len(), back.N)
	}
	back.Merge(b) // 90 keys
	if back.Overflowing() || back.Limit != 100 {
		t.Fatalf("merged: overflowing %v, limit %d", back.Overflowing(), back.Limit)
	}
	for i := range 20 {
		back.AddWeighted(uint64(1000+i), 1)
	}
	if !back.Overflowing() {
		t.Fatal("110 keys over a limit of 100: not overflowing")
	}
	back.Prune()
	if back.Exact() || back.Len() > 4 {
		t.Fatalf("pruned: exact %v, %d counters", back.Exact(), back.Len())
	}
	for i := range 17 {
		back.AddWeighted(uint64(2000+i), 1)
	}
	if !back.Overflowing() {
		t.Errorf("pruned summary with %d counters (capacity 4): should overflow past 16", back.Len())
	}
}
