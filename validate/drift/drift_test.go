package drift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/internal/vtest"
	"github.com/refit-ml/refit/validate/profile"
)

func TestDriftVerdicts(t *testing.T) {
	base := map[string]int64{"a": 500, "b": 300, "c": 200}
	tests := []struct {
		name string
		cur  map[string]int64
		opts Options
		want validate.Verdict
	}{
		{"same", base, Options{}, validate.VerdictOK},
		{"small shift", map[string]int64{"a": 450, "b": 330, "c": 220}, Options{}, validate.VerdictOK},
		{"warn", map[string]int64{"a": 350, "b": 350, "c": 300}, Options{}, validate.VerdictWarn},
		{"alert", map[string]int64{"a": 100, "b": 300, "c": 600}, Options{}, validate.VerdictAlert},
		{"new category", map[string]int64{"a": 400, "b": 300, "c": 200, "d": 100}, Options{}, validate.VerdictAlert},
		{"lower thresholds", map[string]int64{"a": 450, "b": 330, "c": 220}, Options{PSIWarn: 0.001, PSIAlert: 0.5}, validate.VerdictWarn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Compare(context.Background(), stringProfile(t, base), stringProfile(t, tt.cur), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if f := r.Features[0]; f.Verdict != tt.want || r.Verdict != tt.want {
				t.Errorf("verdict %s (feature %s, psi %.4f), want %s", r.Verdict, f.Verdict, f.PSI, tt.want)
			}
		})
	}
}

func TestDriftUnseenVanished(t *testing.T) {
	ref := stringProfile(t, map[string]int64{"a": 50, "b": 30, "gone": 20})
	cur := stringProfile(t, map[string]int64{"a": 50, "b": 30, "new": 15, "newer": 5})
	c := driftOf(t, ref, cur).Categorical
	vtest.Eq(t, "unseen", c.Unseen, []CategoryShare{{"new", 0, 0.15}, {"newer", 0, 0.05}})
	vtest.Eq(t, "vanished", c.Vanished, []CategoryShare{{"gone", 0.2, 0}})
	vtest.Near(t, "unseen share", c.UnseenShare, 0.2, 1e-12)
	vtest.Near(t, "vanished share", c.VanishedShare, 0.2, 1e-12)
	vtest.Eq(t, "bins", len(c.Categories), 4) // a, b, gone, other
}

func TestDriftNullsAndSchema(t *testing.T) {
	nan := func(n, nulls int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i % 10)
		}
		return v
	}
	f := driftOf(t, nullProfile(t, 1000, 0), nullProfile(t, 1000, 300))
	vtest.Eq(t, "verdict", f.Verdict, validate.VerdictAlert)
	vtest.Near(t, "null change", f.Nulls.Change, 0.3, 1e-12)

	r, err := Compare(context.Background(), floatProfile(t, nan(10, 0)), stringProfile(t, map[string]int64{"a": 1}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	vtest.Eq(t, "type change", r.Features[0].Verdict, validate.VerdictAlert)
	if _, err := Compare(context.Background(), floatProfile(t, nan(10, 0)), floatProfile(t, nan(10, 0)), Options{PSIWarn: 0.3, PSIAlert: 0.2}); !errors.Is(err, validate.ErrInvalidOptions) {
		t.Errorf("bad thresholds: %v", err)
	}
	if _, err := Compare(context.Background(), floatProfile(t, nan(10, 0)), floatProfile(t, nan(10, 0)), Options{Columns: []string{"nope"}}); !errors.Is(err, validate.ErrInvalidOptions) {
		t.Errorf("unknown column: %v", err)
	}
}

// nullProfile profiles n values i%10 of column "x", the first nulls null.
func nullProfile(t *testing.T, n, nulls int) *profile.Profile {
	t.Helper()
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	for i := range n {
		if i < nulls {
			b.AppendNull()
		} else {
			b.Append(float64(i % 10))
		}
	}
	arr := b.NewArray()
	defer arr.Release()
	rec := array.NewRecord(vtest.FloatRecord(nil).Schema(), []arrow.Array{arr}, int64(n))
	defer rec.Release()
	p := profile.New(rec.Schema(), profile.Options{})
	if err := p.Add(rec); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDriftSavedProfiles compares two profiles saved as JSON and loaded
// back: the report equals the one of the live profiles and encodes.
func TestDriftSavedProfiles(t *testing.T) {
	ref, cur := savedPair(t, 20_000)
	a, err := Compare(context.Background(), ref, cur, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ref2, cur2 := roundTrip(t, ref), roundTrip(t, cur)
	b, err := Compare(context.Background(), ref2, cur2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ja, jb) {
		t.Errorf("drift of saved profiles differs")
	}
	if a.Verdict != validate.VerdictAlert {
		t.Errorf("verdict %s, want alert (ids and times move)", a.Verdict)
	}
}

// savedPair profiles genRecord data twice, the current side shifted.
func savedPair(t testing.TB, n int) (*profile.Profile, *profile.Profile) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	rec := vtest.GenRecord(rng, 0, n)
	defer rec.Release()
	ref := profile.New(rec.Schema(), profile.Options{})
	if err := ref.Add(rec); err != nil {
		t.Fatal(err)
	}
	rec2 := vtest.GenRecord(rand.New(rand.NewPCG(3, 4)), n/2, n)
	defer rec2.Release()
	cur := profile.New(rec2.Schema(), profile.Options{})
	if err := cur.Add(rec2); err != nil {
		t.Fatal(err)
	}
	return ref, cur
}

func roundTrip(t testing.TB, p *profile.Profile) *profile.Profile {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := profile.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// BenchmarkDriftSaved measures drift between two decoded profiles (the
// decode itself excluded), the cost of `refit drift` on saved profiles.
func BenchmarkDriftSaved(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			ref, cur := savedPair(b, n)
			ref, cur = roundTrip(b, ref), roundTrip(b, cur)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compare(context.Background(), ref, cur, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
