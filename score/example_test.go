package score_test

import (
	"fmt"
	"log"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/score"
)

// Score a batch of flights with a model, as a Go service embedding refit
// would. A real service loads the model with score.Load("late.refit",
// ...) or score.Open(ctx, "champion", workspace, ...); this one builds a
// tiny logistic regression by hand (see model's Example).
func Example() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "distance", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "origin", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	train := record(schema, []float64{300, 1200, 2500, 900}, []string{"ORD", "ATL", "ORD", "ATL"})
	defer train.Release()
	m, err := tinyModel(train)
	if err != nil {
		log.Fatal(err)
	}
	s := score.New(m, score.Source{Ref: "example"}, score.Options{})

	// The scorer is safe for concurrent use: share one across handlers.
	// InputSchema is a schema it reads (numbers float64, categories
	// string), made once: a service building records per request uses it.
	batch := record(s.InputSchema(), []float64{2800, 400}, []string{"ORD", "SFO"})
	defer batch.Release()
	res, err := s.Score(batch, nil)
	if err != nil {
		log.Fatal(err)
	}
	for i := range res.Rows {
		fmt.Printf("row %d: P(late) = %.3f, label %q\n", i, res.Values[i], res.Labels[i])
	}
	for _, c := range s.OutOfRange() {
		fmt.Printf("%s: %d of %d outside training\n", c.Column, c.OutOfRange, c.Rows)
	}
	// Row 0 by hand: mean 1225, population std 804.3, z = 1.958;
	// logit 1.5·z + 0.8 - 0.5 = 3.237, sigmoid 0.962. Row 1: SFO is
	// "#other", z = -1.026, logit -2.039, sigmoid 0.115.

	// Output:
	// row 0: P(late) = 0.962, label "late"
	// row 1: P(late) = 0.115, label "on time"
	// distance: 1 of 2 outside training
	// origin: 1 of 2 outside training
}

func record(schema *arrow.Schema, dist []float64, origin []string) arrow.Record {
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	b.Field(0).(*array.Float64Builder).AppendValues(dist, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(origin, nil)
	return b.NewRecord()
}

// tinyModel is a logistic regression on distance and origin fitted on rec.
func tinyModel(rec arrow.Record) (*model.Model, error) {
	pre, err := model.Fit([]string{"distance", "origin"}, model.FitConfig{TopK: 2}, rec)
	if err != nil {
		return nil, err
	}
	w := make([]float32, pre.NumFeatures())
	w[0], w[2] = 1.5, 0.8 // distance; origin=ORD (ATL comes first: ties go by value)
	layer, err := model.NewDense(pre.NumFeatures(), 1, w, []float32{-0.5}, model.Sigmoid)
	if err != nil {
		return nil, err
	}
	return model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"on time", "late"}}, pre, []model.Layer{layer})
}
