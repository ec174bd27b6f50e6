package train

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// synth makes n rows of two standard-normal features x1, x2 and a label
// from label(x1, x2), which returns a bool, a string or a float64.
func synth(t testing.TB, n int, seed uint64, label func(x1, x2 float64, rng *rand.Rand) any) arrow.Record {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	x1 := make([]float64, n)
	x2 := make([]float64, n)
	ys := make([]any, n)
	for i := range n {
		x1[i], x2[i] = rng.NormFloat64(), rng.NormFloat64()
		ys[i] = label(x1[i], x2[i], rng)
	}
	mem := memory.NewGoAllocator()
	f1 := array.NewFloat64Builder(mem)
	f1.AppendValues(x1, nil)
	f2 := array.NewFloat64Builder(mem)
	f2.AppendValues(x2, nil)
	yArr, yType := labelArray(mem, ys)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x1", Type: arrow.PrimitiveTypes.Float64},
		{Name: "x2", Type: arrow.PrimitiveTypes.Float64},
		{Name: "y", Type: yType},
	}, nil)
	cols := []arrow.Array{f1.NewArray(), f2.NewArray(), yArr}
	rec := array.NewRecord(schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	t.Cleanup(rec.Release)
	return rec
}

func labelArray(mem memory.Allocator, ys []any) (arrow.Array, arrow.DataType) {
	switch ys[0].(type) {
	case bool:
		b := array.NewBooleanBuilder(mem)
		for _, y := range ys {
			b.Append(y.(bool))
		}
		return b.NewArray(), arrow.FixedWidthTypes.Boolean
	case string:
		b := array.NewStringBuilder(mem)
		for _, y := range ys {
			b.Append(y.(string))
		}
		return b.NewArray(), arrow.BinaryTypes.String
	}
	b := array.NewFloat64Builder(mem)
	for _, y := range ys {
		b.Append(y.(float64))
	}
	return b.NewArray(), arrow.PrimitiveTypes.Float64
}

// separable is a binary problem a linear model solves: x1 + x2 > 0, with
// 2% label noise.
func separable(x1, x2 float64, rng *rand.Rand) any {
	y := x1+x2 > 0
	if rng.Float64() < 0.02 {
		y = !y
	}
	return y
}

// ring is a binary problem only a hidden layer solves: inside a circle.
func ring(x1, x2 float64, _ *rand.Rand) any { return x1*x1+x2*x2 < 1.4 }

// sectors is a 3-class problem by the angle of (x1, x2).
func sectors(x1, x2 float64, _ *rand.Rand) any {
	a := math.Atan2(x2, x1) + math.Pi // [0, 2π]
	return "c" + strconv.Itoa(min(int(a/(2*math.Pi/3)), 2))
}

// linear is y = 3·x1 − 2·x2 + 5 + noise(0.1).
func linear(x1, x2 float64, rng *rand.Rand) any { return 3*x1 - 2*x2 + 5 + 0.1*rng.NormFloat64() }

func data(rec arrow.Record) Data {
	return Data{Train: Records(rec), Features: []string{"x1", "x2"}, Label: "y"}
}
