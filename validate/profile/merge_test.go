package profile

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate/internal/vtest"
)

// TestMergeCommutative: a.Merge(b) and b.Merge(a) give identical results,
// including sketches, so a deterministic merge order is all determinism needs.
func TestMergeCommutative(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	build := func(start, n int) *Profile {
		p := New(vtest.MixedSchema, Options{TopKCapacity: 16})
		rec := vtest.GenRecord(rng, start, n)
		defer rec.Release()
		if err := p.Add(rec); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a1, b1 := build(0, 30000), build(30000, 12345)
	a2, b2 := clone(t, a1), clone(t, b1)
	mustMerge(t, a1, b1)
	mustMerge(t, b2, a2)
	if got, want := b2.Result(ResultOptions{}), a1.Result(ResultOptions{}); !reflect.DeepEqual(got, want) {
		t.Errorf("b.Merge(a) differs from a.Merge(b):\n%+v\n%+v", got, want)
	}
}

// clone copies a profile through its JSON form.
func clone(t *testing.T, p *Profile) *Profile {
	t.Helper()
	data, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSlicedArrays: arrays with odd offsets (null bitmaps not byte aligned)
// profile like freshly built arrays with the same values.
func TestSlicedArrays(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	rec := vtest.GenRecord(rng, 0, 1000)
	defer rec.Release()
	sliced := rec.NewSlice(13, 990)
	defer sliced.Release()
	fresh := rebuild(t, sliced)
	defer fresh.Release()
	p1, p2 := New(vtest.MixedSchema, Options{}), New(vtest.MixedSchema, Options{})
	if err := p1.Add(sliced); err != nil {
		t.Fatal(err)
	}
	if err := p2.Add(fresh); err != nil {
		t.Fatal(err)
	}
	if got, want := p1.Result(ResultOptions{}), p2.Result(ResultOptions{}); !reflect.DeepEqual(got, want) {
		t.Errorf("sliced record profiles differently:\n%+v\n%+v", got, want)
	}
}

// rebuild copies a record's values into new zero-offset arrays.
func rebuild(t *testing.T, rec arrow.Record) arrow.Record {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, rec.Schema())
	defer b.Release()
	for i, col := range rec.Columns() {
		for j := range col.Len() {
			if err := b.Field(i).AppendValueFromString(col.ValueStr(j)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.NewRecord()
}
