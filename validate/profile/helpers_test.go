package validate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// rankError returns how far (as a fraction of n) the reported value v is
// from rank p·n in sorted data: 0 when p·n lies between the number of values
// below v and the number at or below v.
func rankError(sorted []float64, p, v float64) float64 {
	n := float64(len(sorted))
	lo := float64(sort.SearchFloat64s(sorted, v))
	hi := float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > v }))
	target := p * n
	switch {
	case target < lo:
		return (lo - target) / n
	case target > hi:
		return (target - hi) / n
	}
	return 0
}

// mixedSchema is the schema of genRecord: the benchmark's mix of types.
var mixedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "amount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "category", Type: arrow.BinaryTypes.String},
	{Name: "user", Type: arrow.BinaryTypes.String},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
}, nil)

// genRecord makes n rows starting at row start: sequential ids, normal
// amounts with 10 % nulls, 50 categories (Zipf-like), high-cardinality user
// names and increasing timestamps. The caller releases it.
func genRecord(rng *rand.Rand, start, n int) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, mixedSchema)
	defer b.Release()
	ids := b.Field(0).(*array.Int64Builder)
	amounts := b.Field(1).(*array.Float64Builder)
	cats := b.Field(2).(*array.StringBuilder)
	users := b.Field(3).(*array.StringBuilder)
	ts := b.Field(4).(*array.TimestampBuilder)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	for i := start; i < start+n; i++ {
		ids.Append(int64(i))
		if rng.IntN(10) == 0 {
			amounts.AppendNull()
		} else {
			amounts.Append(100 + 15*rng.NormFloat64())
		}
		cats.Append(fmt.Sprintf("cat-%02d", int(50*math.Pow(rng.Float64(), 3))))
		users.Append(fmt.Sprintf("user-%08d", rng.IntN(1<<30)))
		ts.Append(arrow.Timestamp(base + int64(i)*1_000_000))
	}
	return b.NewRecord()
}

// floatRecord wraps values (NaN = null) as a one-column float64 record.
func floatRecord(vals []float64) arrow.Record {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(vals, nil)
	arr := b.NewArray()
	defer arr.Release()
	return array.NewRecord(schema, []arrow.Array{arr}, int64(len(vals)))
}
