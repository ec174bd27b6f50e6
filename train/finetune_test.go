package train

import (
	"context"
	"math"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
)

// Fine-tuning starts from the model's weights in every shard of the
// batch: with a negligible learning rate, the first epoch's training
// loss is the model's own mean loss on the training rows. (A shard left
// with its random initial weights made it 0.39 against 0.36.)
func TestFineTuneStartsFromTheModel(t *testing.T) {
	rec := synth(t, 2000, 11, ring)
	m, _, err := Fit(context.Background(), Config{Hidden: []int{16, 8}, Epochs: 5, LearningRate: 0.01, Seed: 1}, data(rec))
	if err != nil {
		t.Fatal(err)
	}
	pred, err := m.Predict(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	cls := make([]int32, len(pred))
	for i := range cls {
		if rec.Column(2).(*array.Boolean).Value(i) {
			cls[i] = 1
		}
	}
	want := binaryLogLoss(pred, cls)
	masks := func(int, [][]float32) [][]bool { return nil }
	_, rep, err := FineTune(context.Background(), Config{Epochs: 1, LearningRate: 1e-9, BatchSize: 256, Seed: 3}, m, data(rec), masks)
	if err != nil {
		t.Fatal(err)
	}
	// The training rows are 90 % of rec; their mean loss is close to
	// rec's (the held-out rows are random).
	if got := rep.History[0].TrainLoss; math.Abs(got-want) > 0.02 {
		t.Errorf("first epoch's training loss %.4f, the model's loss %.4f", got, want)
	}
}
