package profile

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"reflect"
	"testing"

	"github.com/refit-ml/refit/validate/internal/vtest"
)

var updateProfile = flag.Bool("update-profile", false, "rewrite testdata/profile_v2.json")

// testdata/profile_v1.json was saved by refit before the statistics core
// moved into package stats (commit 49bfa8d); testdata/profile_v2.json since
// value counts are exact up to Options.ExactLimit (which added "limit" to
// the counters and "exact_limit" to the options). The same data must still
// give the v2 bytes, and the v1 profile must decode and save again
// unchanged, with the same results, so profiles saved by older versions
// keep working.
func TestProfileJSONGolden(t *testing.T) {
	p := goldenProfile(t)
	got, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if *updateProfile {
		if err := os.WriteFile("testdata/profile_v2.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	v2, err := os.ReadFile("testdata/profile_v2.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, v2) {
		t.Errorf("profile of the golden data encodes differently (%d bytes, want %d)", len(got), len(v2))
	}
	want, err := os.ReadFile("testdata/profile_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	old, err := Decode(want)
	if err != nil {
		t.Fatal(err)
	}
	again, err := old.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, want) {
		t.Error("the saved profile does not encode to the same bytes after decoding")
	}
	if !reflect.DeepEqual(old.Result(ResultOptions{}), p.Result(ResultOptions{})) {
		t.Error("the saved profile's results differ from the rebuilt profile's")
	}
}

// goldenProfile profiles 400 generated rows in four merged parts, with a
// small quantile sketch so that it compacts.
func goldenProfile(t *testing.T) *Profile {
	rng := rand.New(rand.NewPCG(31, 32))
	var parts []*Profile
	for s := 0; s < 400; s += 100 {
		p := New(vtest.MixedSchema, Options{QuantileK: 16})
		rec := vtest.GenRecord(rng, s, 100)
		if err := p.Add(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		parts = append(parts, p)
	}
	for _, o := range parts[1:] {
		if err := parts[0].Merge(o); err != nil {
			t.Fatal(err)
		}
	}
	return parts[0]
}
