package profile_test

import (
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate/profile"
)

// Profile two batches separately, as two workers would, merge them and save
// the result.
func Example() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "delay", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "origin", Type: arrow.BinaryTypes.String},
	}, nil)
	batch := func(js string) arrow.Record {
		rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(js))
		if err != nil {
			log.Fatal(err)
		}
		return rec
	}
	a := batch(`[{"delay": 5, "origin": "JFK"}, {"delay": null, "origin": "LAX"}]`)
	defer a.Release()
	b := batch(`[{"delay": -3, "origin": "JFK"}, {"delay": 40, "origin": "SFO"}]`)
	defer b.Release()

	total := profile.New(schema, profile.Options{})
	for _, rec := range []arrow.Record{a, b} {
		part := profile.New(schema, profile.Options{})
		if err := part.Add(rec); err != nil {
			log.Fatal(err)
		}
		if err := total.Merge(part); err != nil {
			log.Fatal(err)
		}
	}
	res := total.Result(profile.ResultOptions{Quantiles: []float64{0.5}})
	d, o := res.Columns[0], res.Columns[1]
	fmt.Printf("delay: count %d, nulls %d, min %g, median %g, max %g, negatives %d\n",
		d.Count, d.Nulls, d.Numeric.Min, d.Numeric.Quantiles[0].Value, d.Numeric.Max, d.Numeric.Negatives)
	fmt.Printf("origin: %d distinct, top %s×%d\n", o.Distinct, o.TopK[0].Value, o.TopK[0].Count)

	saved, err := json.Marshal(total)
	if err != nil {
		log.Fatal(err)
	}
	reference, err := profile.Decode(saved)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reloaded rows:", reference.Rows)
	// Output:
	// delay: count 3, nulls 1, min -3, median 5, max 40, negatives 1
	// origin: 3 distinct, top JFK×2
	// reloaded rows: 4
}
