package stats

import (
	"cmp"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Join pairs two summaries' counters in both directions, whether their
// counters are in Entries order (decoded) or not (live), and agrees with
// a map built from Entries.
func TestJoin(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	build := func(n, distinct, offset int) *TopK {
		tk := NewTopK(0)
		tk.Limit = 1 << 20
		for range n {
			v := []byte{byte(offset + rng.IntN(distinct)), byte(rng.IntN(3))}
			tk.AddBytes(HashBytes(v), v, 1)
		}
		return tk
	}
	decode := func(tk *TopK) *TopK {
		b, err := json.Marshal(tk)
		if err != nil {
			t.Fatal(err)
		}
		var out TopK
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !out.sorted {
			t.Fatal("decoded summary not marked sorted")
		}
		return &out
	}
	live1, live2 := build(3000, 200, 0), build(500, 150, 100)
	for _, tc := range []struct {
		name string
		a, b *TopK
	}{
		{"live", live1, live2},
		{"decoded", decode(live1), decode(live2)},
		{"mixed", decode(live1), live2},
		{"smaller first", live2, decode(live1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := Join(tc.a, tc.b)
			ae, be := tc.a.Entries(), tc.b.Entries()
			check := func(side string, own, other []FreqEntry, counts []int64, entry func(int) FreqEntry, count func(int) int64) {
				byKey := map[uint64]int64{}
				for _, e := range other {
					byKey[e.Key] = e.Count
				}
				if len(counts) != len(own) {
					t.Fatalf("%s: %d counts for %d entries", side, len(counts), len(own))
				}
				for i, e := range own {
					want, ok := byKey[e.Key]
					if !ok {
						want = -1
					}
					if counts[i] != want || entry(i).Key != e.Key || string(entry(i).Value) != string(e.Value) || count(i) != e.Count {
						t.Fatalf("%s entry %d: got %v/%d/%d, want %v/%d/%d", side, i, entry(i), count(i), counts[i], e, e.Count, want)
					}
				}
			}
			check("A", ae, be, j.BOfA, j.A, j.CountA)
			check("B", be, ae, j.AOfB, j.B, j.CountB)
		})
	}
}

// TopK.SortedView equals the view of the sorted values for every key kind,
// with negative numbers, and counters in insertion order, sorted by value,
// in Entries order (a few runs) or shuffled. Each view is released, so
// the next ones are built in buffers holding an earlier view's values.
func TestTopKSortedView(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, kind := range []KeyKind{KeyInt64, KeyUint64, KeyFloat64} {
		for _, n := range []int{0, 1, 10, 63, 64, 1000, 20000} {
			vals := map[float64]int64{}
			var keys []uint64
			for range n {
				var v float64
				var k uint64
				switch kind {
				case KeyInt64:
					i := int64(rng.IntN(4*n+1)) - int64(2*n)
					v, k = float64(i), uint64(i)
				case KeyUint64:
					k = uint64(rng.IntN(4*n + 1))
					v = float64(k)
				case KeyFloat64:
					v = math.Round(rng.NormFloat64()*100) / 8
					k = math.Float64bits(v)
				}
				if _, ok := vals[v]; !ok {
					keys = append(keys, k)
				}
				vals[v] += 1 + int64(rng.IntN(3))
			}
			want := make([]float64, 0, len(vals))
			for v := range vals {
				want = append(want, v)
			}
			slices.Sort(want)
			for _, order := range []string{"insertion", "ascending", "entries", "shuffled"} {
				ks := slices.Clone(keys)
				switch order {
				case "ascending":
					slices.SortFunc(ks, func(a, b uint64) int {
						return cmp.Compare(keyNumber(orderKey(a, kind), kind), keyNumber(orderKey(b, kind), kind))
					})
				case "entries":
					slices.SortFunc(ks, func(a, b uint64) int {
						if c := cmp.Compare(vals[keyNumber(orderKey(b, kind), kind)], vals[keyNumber(orderKey(a, kind), kind)]); c != 0 {
							return c
						}
						return cmp.Compare(a, b)
					})
				case "shuffled":
					rng.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
				}
				tk := NewTopK(0)
				for _, k := range ks {
					tk.AddWeighted(k, vals[keyNumber(orderKey(k, kind), kind)])
				}
				sv := tk.SortedView(kind)
				var cum int64
				if len(sv.Values) != len(want) {
					t.Fatalf("kind %d n %d %s: %d values, want %d", kind, n, order, len(sv.Values), len(want))
				}
				for i, v := range want {
					cum += vals[v]
					if sv.Values[i] != v || sv.Cum[i] != cum {
						t.Fatalf("kind %d n %d %s: value %d = %v (cum %d), want %v (cum %d)", kind, n, order, i, sv.Values[i], sv.Cum[i], v, cum)
					}
				}
				if sv.N != cum || len(want) > 0 && (sv.Min != want[0] || sv.Max != want[len(want)-1]) || !sv.Exact() {
					t.Fatalf("kind %d n %d %s: N %d min %v max %v, want %d %v %v", kind, n, order, sv.N, sv.Min, sv.Max, cum, want[0], want[len(want)-1])
				}
				sv.Release()
				if sv.Values != nil || sv.N != 0 {
					t.Fatalf("kind %d n %d %s: a released view keeps its values", kind, n, order)
				}
			}
		}
	}
}
