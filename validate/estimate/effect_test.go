package estimate_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate/estimate"
)

// synth is n rows of an informative x1, a noise column x2 and a label
// drawn from x1; x1 ~ N(0, spread).
func synth(n int, seed uint64, spread float64) arrow.Record {
	rng := rand.New(rand.NewPCG(seed, 1))
	x1, x2 := array.NewFloat64Builder(memory.DefaultAllocator), array.NewFloat64Builder(memory.DefaultAllocator)
	y := array.NewBooleanBuilder(memory.DefaultAllocator)
	for range n {
		a := rng.NormFloat64() * spread
		x1.Append(a)
		x2.Append(rng.NormFloat64())
		y.Append(rng.Float64() < 1/(1+math.Exp(-2*a)))
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "x1", Type: arrow.PrimitiveTypes.Float64},
		{Name: "x2", Type: arrow.PrimitiveTypes.Float64}, {Name: "y", Type: arrow.FixedWidthTypes.Boolean}}, nil)
	return array.NewRecord(schema, []arrow.Array{x1.NewArray(), x2.NewArray(), y.NewArray()}, int64(n))
}

// x1 shrinks to a fifth of its spread: the rows get harder to rank, and
// its drift costs AUC (the estimate with x1 drawn from the reference is
// the reference's AUC, about 0.87, against about 0.61 with x1 drawn from
// the current rows, and 0.61 now); x2 did not move and costs nothing.
func TestFeatureEffects(t *testing.T) {
	ref := synth(4000, 1, 1)
	defer ref.Release()
	m, _, err := train.Fit(context.Background(), train.Config{Seed: 1},
		train.Data{Train: train.Records(ref), Features: []string{"x1", "x2"}, Label: "y"})
	if err != nil {
		t.Fatal(err)
	}
	cur := synth(3000, 2, 0.2)
	defer cur.Release()
	values := map[string]arrow.Array{"x1": ref.Column(0), "x2": ref.Column(1)}
	effects, err := estimate.FeatureEffects(context.Background(), m, []arrow.Record{cur}, values, []string{"x1", "x2"}, estimate.AUC, estimate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(effects) != 2 {
		t.Fatalf("effects %+v", effects)
	}
	for _, e := range effects {
		t.Log(e)
	}
	if e := effects[0]; e.Feature != "x1" || e.Change > -0.15 || e.Reference < 0.8 || math.Abs(e.Baseline-e.Now) > 0.02 {
		t.Errorf("x1: %v, want a drop of more than 0.15 from about 0.87", e)
	}
	if e := effects[1]; e.Feature != "x2" || math.Abs(e.Change) > 0.02 {
		t.Errorf("x2: %v, want about no change", e)
	}
}
