package drift_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/profile"
)

// profileOf profiles float64 values as column "amount".
func profileOf(vals []float64) (*profile.Profile, error) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "amount", Type: arrow.PrimitiveTypes.Float64}}, nil)
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.AppendValues(vals, nil)
	arr := b.NewArray()
	defer arr.Release()
	rec := array.NewRecord(schema, []arrow.Array{arr}, int64(len(vals)))
	defer rec.Release()
	p := profile.New(schema, profile.Options{})
	return p, p.Add(rec)
}

// Drift compares two profiles (here built in memory; usually a saved
// reference and fresh data): the current amounts moved up by about half a
// reference standard deviation.
func ExampleCompare() {
	var ref, cur []float64
	for i := range 1000 {
		ref = append(ref, float64(i%100))
		cur = append(cur, float64(i%100+15))
	}
	rp, err := profileOf(ref)
	if err != nil {
		fmt.Println(err)
		return
	}
	cp, err := profileOf(cur)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := drift.Compare(context.Background(), rp, cp, drift.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := r.Features[0]
	fmt.Printf("%s: PSI %.3f, KS %.2f, W1 %.1f, mean shift %.2f std → %s\n",
		f.Name, f.PSI, f.Numeric.KS, f.Numeric.Wasserstein, *f.Numeric.MeanShift, f.Verdict)
	// Output:
	// amount: PSI 0.862, KS 0.15, W1 15.0, mean shift 0.52 std → alert
}
