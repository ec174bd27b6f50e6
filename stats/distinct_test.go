package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/axiomhq/hyperloglog"
)

// libSketch returns the library's dense sketch fed the mixed keys, the
// reference the registers kept here must match.
func libSketch(t *testing.T, keys []uint64) *hyperloglog.Sketch {
	t.Helper()
	sk, err := hyperloglog.NewSketch(DistinctPrecision, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		sk.InsertHash(mix64(k))
	}
	return sk
}

func randomKeys(rng *rand.Rand, n int) []uint64 {
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = rng.Uint64() >> rng.IntN(40) // small and large keys
	}
	return keys
}

// The registers, their encoding and the estimate are the library's for
// the same keys, whether keys come through Materialize or InsertKeys.
func TestDistinctMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 100, 5_000, 200_000} {
		keys := randomKeys(rng, n)
		d := &Distinct{}
		if d.Materialized() || d.Estimate() != 0 {
			t.Fatal("zero Distinct is materialized")
		}
		half := n / 2
		if err := d.Materialize(slices.Values(keys[:half])); err != nil {
			t.Fatal(err)
		}
		d.InsertKeys(keys[half:])
		lib := libSketch(t, keys)
		want, err := lib.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if got := d.appendBinary(nil); !bytes.Equal(got, want) {
			t.Fatalf("n=%d: encoding differs from the library's", n)
		}
		if got, want := d.Estimate(), int64(lib.Estimate()); got != want {
			t.Errorf("n=%d: estimate %d, library %d", n, got, want)
		}
	}
}

// Merging is the union: the registers of a sketch of both sides' keys.
func TestDistinctMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := randomKeys(rng, 30_000), randomKeys(rng, 50_000)
	da, db, all := &Distinct{}, &Distinct{}, &Distinct{}
	for _, c := range []struct {
		d    *Distinct
		keys [][]uint64
	}{{da, [][]uint64{a}}, {db, [][]uint64{b}}, {all, [][]uint64{a, b}}} {
		if err := c.d.Materialize(slices.Values(slices.Concat(c.keys...))); err != nil {
			t.Fatal(err)
		}
	}
	if err := da.Merge(db); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(da.regs, all.regs) {
		t.Error("merged registers differ from a sketch of both sides")
	}
	if err := da.Merge(&Distinct{}); err == nil {
		t.Error("merging an unmaterialized sketch: no error")
	}
}

// JSON round trips the registers; encodings the library writes in other
// shapes (sparse) decode to the same estimate; hostile payloads are errors.
func TestDistinctJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	keys := randomKeys(rng, 70_000)
	d := &Distinct{}
	if err := d.Materialize(slices.Values(keys)); err != nil {
		t.Fatal(err)
	}
	enc, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Distinct
	if err := json.Unmarshal(enc, &back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.regs, d.regs) {
		t.Error("registers changed in a JSON round trip")
	}
	var none Distinct
	if err := json.Unmarshal([]byte(`{}`), &none); err != nil || none.Materialized() {
		t.Errorf("empty JSON: materialized %v, err %v", none.Materialized(), err)
	}

	sparse, err := hyperloglog.NewSketch(DistinctPrecision, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys[:300] {
		sparse.InsertHash(mix64(k))
	}
	raw, err := sparse.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var fromSparse Distinct
	if err := fromSparse.decodeBinary(raw); err != nil {
		t.Fatal(err)
	}
	if got, want := fromSparse.Estimate(), int64(libSketch(t, keys[:300]).Estimate()); got != want {
		t.Errorf("sparse encoding: estimate %d, want %d", got, want)
	}

	good := d.appendBinary(nil)
	p14, err := hyperloglog.NewSketch(14, false)
	if err != nil {
		t.Fatal(err)
	}
	p14.InsertHash(1)
	raw14, err := p14.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	highRank := slices.Clone(good)
	highRank[hllHeader+5] = 64 - DistinctPrecision + 2 // above the largest rank
	for name, b := range map[string][]byte{
		"truncated":      good[:hllHeader+100],
		"empty":          nil,
		"precision 14":   raw14,
		"rank too large": highRank,
	} {
		var x Distinct
		err := x.decodeBinary(b)
		if err == nil {
			t.Errorf("%s: decoded without error", name)
			continue
		}
		if name == "precision 14" && !errors.Is(err, hyperloglog.ErrorPrecisionMismatch) {
			t.Errorf("%s: %v, want a precision mismatch", name, err)
		}
	}
}

// FuzzDistinctDecode feeds arbitrary bytes as an encoded sketch: decoding
// fails with an error or yields registers that estimate, merge and
// encode again to the dense form, never a panic.
func FuzzDistinctDecode(f *testing.F) {
	d := &Distinct{}
	if err := d.Materialize(slices.Values(randomKeys(rand.New(rand.NewPCG(1, 1)), 500))); err != nil {
		f.Fatal(err)
	}
	f.Add(d.appendBinary(nil))
	sparse, err := hyperloglog.NewSketch(DistinctPrecision, true)
	if err != nil {
		f.Fatal(err)
	}
	for k := range uint64(50) {
		sparse.InsertHash(mix64(k))
	}
	raw, err := sparse.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte{2, 16, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var x Distinct
		if err := x.decodeBinary(b); err != nil {
			return
		}
		if len(x.regs) != hllRegisters {
			t.Fatalf("%d registers", len(x.regs))
		}
		_ = x.Estimate()
		if err := x.Merge(d); err != nil {
			t.Fatal(err)
		}
		var back Distinct
		if err := back.decodeBinary(x.appendBinary(nil)); err != nil || !bytes.Equal(back.regs, x.regs) {
			t.Fatalf("re-encoding does not round-trip: %v", err)
		}
	})
}
