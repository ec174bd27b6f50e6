package model_test

import (
	"fmt"
	"log"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/refit-ml/refit/model"
)

// Build a tiny logistic-regression model by hand, fit its preprocessing on
// a record and predict.
func Example() {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "distance", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "origin", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{300, 1200, 2500, 0}, []bool{true, true, true, false})
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"ORD", "ATL", "ORD", "SFO"}, nil)
	rec := b.NewRecord()
	defer rec.Release()

	pre, err := model.Fit([]string{"distance", "origin"}, model.FitConfig{TopK: 2}, rec)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pre.FeatureNames())

	// One weight per feature: long flights and ORD are late more often.
	// Row 0 by hand: distance imputes to the median 1200, mean 1300, std
	// sqrt(615000) ≈ 784.2, z = -1.275; logit 1.5·z + 0.8 - 1 = -2.113;
	// sigmoid 0.108.
	w := []float32{1.5, 0, 0.8, -0.5, 0, 0}
	layer, err := model.NewDense(pre.NumFeatures(), 1, w, []float32{-1}, model.Sigmoid)
	if err != nil {
		log.Fatal(err)
	}
	spec := model.Spec{Task: model.TaskBinary, Labels: []string{"on time", "late"}}
	m, err := model.New(spec, pre, []model.Layer{layer})
	if err != nil {
		log.Fatal(err)
	}
	p := m.NewPredictor() // one per goroutine; reuses its buffers
	probs, err := p.Predict(rec, nil)
	if err != nil {
		log.Fatal(err)
	}
	for i, pr := range probs {
		fmt.Printf("row %d: P(late) = %.3f\n", i, pr)
	}
	// Output:
	// [distance distance#missing origin=ORD origin=ATL origin#other origin#missing]
	// row 0: P(late) = 0.108
	// row 1: P(late) = 0.156
	// row 2: P(late) = 0.890
	// row 3: P(late) = 0.233
}
