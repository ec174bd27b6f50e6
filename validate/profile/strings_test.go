package profile

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/stats"
)

// TestSketchSeesFreshKeysOnly checks that a string column past its exact
// bound, whose HyperLogLog is fed only the keys new to the pruned summary,
// ends with the registers of a sketch fed every value.
func TestSketchSeesFreshKeysOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	p := New(schema, Options{ExactLimit: 3000, TopKCapacity: 64})
	want := &stats.Distinct{}
	if err := want.Materialize(func(func(uint64) bool) {}); err != nil {
		t.Fatal(err)
	}
	for batch := range 8 {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		for i := range 10_000 {
			if i%97 == 0 {
				b.AppendNull()
				continue
			}
			// Frequent values repeat across batches; rare ones mostly do not.
			v := fmt.Sprintf("v%d", rng.IntN(20+batch*3000))
			b.Append(v)
			want.InsertKeys([]uint64{stats.HashString(v)})
		}
		arr := b.NewArray()
		rec := array.NewRecord(schema, []arrow.Array{arr}, int64(arr.Len()))
		if err := p.Add(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		arr.Release()
		b.Release()
	}
	c := p.Columns[0]
	if !c.Distinct.Materialized() || !c.TopK.Pruned {
		t.Fatalf("column did not pass its exact bound (sketch %v, pruned %v)", c.Distinct.Materialized(), c.TopK.Pruned)
	}
	got, err := c.Distinct.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	exp, err := want.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, exp) {
		t.Errorf("sketch registers differ from a sketch of every value (estimates %d, %d)",
			c.Distinct.Estimate(), want.Estimate())
	}
}
