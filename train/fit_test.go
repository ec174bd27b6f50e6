package train

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/refit-ml/refit/model"
)

func TestFitQuality(t *testing.T) {
	tests := []struct {
		name   string
		label  func(x1, x2 float64, rng *rand.Rand) any
		cfg    Config
		task   model.Task
		metric string
		ok     func(float64) bool
	}{
		{"logistic", separable, Config{}, model.TaskBinary, "auc", func(v float64) bool { return v > 0.95 }},
		{"mlp_ring", ring, Config{Hidden: []int{16}, LearningRate: 0.01}, model.TaskBinary, "auc", func(v float64) bool { return v > 0.97 }},
		{"mlp_ring_decay_average", ring, Config{Hidden: []int{16}, LearningRate: 0.01, LearningRateDecay: 0.7, WeightAverage: 0.99},
			model.TaskBinary, "auc", func(v float64) bool { return v > 0.97 }},
		{"multiclass", sectors, Config{Hidden: []int{16}, LearningRate: 0.01}, model.TaskMulticlass, "accuracy", func(v float64) bool { return v > 0.9 }},
		{"linear", linear, Config{LearningRate: 0.05}, model.TaskRegression, "rmse", func(v float64) bool { return v < 0.2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := synth(t, 4000, 1, tt.label)
			m, rep, err := Fit(context.Background(), tt.cfg, data(rec))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Task != tt.task || m.Task() != tt.task || rep.Metric != tt.metric {
				t.Fatalf("task %s / %s, metric %s", rep.Task, m.Task(), rep.Metric)
			}
			// classifiers carry a calibrator fitted on the validation rows
			c := m.Calibrator()
			if want := tt.task != model.TaskRegression; (c != nil) != want ||
				(want && (c.Rows != rep.ValidRows || len(c.Curves) != m.OutputWidth() ||
					(c.Method == model.CalibrationIsotonic) != (c.Rows >= model.IsotonicMinRows))) {
				t.Errorf("calibrator %+v (%s), want one: %v, on %d rows", c, rep.Calibration, want, rep.ValidRows)
			}
			if !tt.ok(rep.BestValidMetric) {
				t.Errorf("%s = %.4f after %d epochs (best %d)", rep.Metric, rep.BestValidMetric, rep.Epochs, rep.BestEpoch)
			}
			t.Logf("%s = %.4f, %d epochs, %v", rep.Metric, rep.BestValidMetric, rep.Epochs, rep.Duration)
		})
	}
}

func TestDeterministic(t *testing.T) {
	rec := synth(t, 3000, 2, ring)
	dir := t.TempDir()
	save := func(name string, seed uint64, threads int) []byte {
		cfg := Config{Hidden: []int{8, 4}, Epochs: 5, Seed: seed, Threads: threads}
		m, _, err := Fit(context.Background(), cfg, data(rec))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := save("a.refit", 42, 2), save("b.refit", 42, 2), save("c.refit", 43, 2)
	if !bytes.Equal(a, b) {
		t.Error("same data, config and seed gave different model bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same model bytes")
	}
	// Threads split rows and outputs, never a sum: one thread gives the
	// same bytes.
	if d := save("d.refit", 42, 1); !bytes.Equal(a, d) {
		t.Error("1 and 2 threads gave different model bytes")
	}
}

func TestEarlyStoppingRestoresBest(t *testing.T) {
	noisy := func(x1, x2 float64, rng *rand.Rand) any { return x1+0.5*rng.NormFloat64() > 0 }
	train, valid := synth(t, 300, 3, noisy), synth(t, 2000, 4, noisy)
	d := data(train)
	d.Validation = Records(valid)
	cfg := Config{Hidden: []int{64, 64}, LearningRate: 0.01, BatchSize: 32, Patience: 3, Epochs: 200}
	m, rep, err := Fit(context.Background(), cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.StoppedEarly || rep.BestEpoch >= rep.Epochs || rep.Epochs-rep.BestEpoch != cfg.Patience {
		t.Fatalf("stopped early %v at epoch %d, best %d", rep.StoppedEarly, rep.Epochs, rep.BestEpoch)
	}
	last := rep.History[len(rep.History)-1]
	if !last.Stop || last.ValidLoss <= rep.BestValidLoss {
		t.Errorf("last epoch %+v, best loss %v", last, rep.BestValidLoss)
	}
	pred, err := m.Predict(valid, nil)
	if err != nil {
		t.Fatal(err)
	}
	cls := make([]int32, len(pred))
	for i := range cls {
		if valid.Column(2).(*array.Boolean).Value(i) {
			cls[i] = 1
		}
	}
	if got := binaryLogLoss(pred, cls); got != rep.BestValidLoss {
		t.Errorf("returned model's validation loss %v, best epoch's %v", got, rep.BestValidLoss)
	}
}

func TestClassWeightsShiftPredictions(t *testing.T) {
	rare := func(x1, x2 float64, rng *rand.Rand) any { return x1+rng.NormFloat64() > 1.8 } // about 10% positive
	rec := synth(t, 4000, 5, rare)
	mean := func(weights string) float64 {
		m, _, err := Fit(context.Background(), Config{ClassWeights: weights, LearningRate: 0.05, Epochs: 30}, data(rec))
		if err != nil {
			t.Fatal(err)
		}
		pred, err := m.Predict(rec, nil)
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, p := range pred {
			s += float64(p)
		}
		return s / float64(len(pred))
	}
	plain, balanced := mean(""), mean("balanced")
	if plain > 0.2 || balanced < plain+0.2 {
		t.Errorf("mean prediction %.3f without and %.3f with balanced class weights", plain, balanced)
	}
}

func TestCancel(t *testing.T) {
	rec := synth(t, 2000, 6, separable)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	epochs := 0
	cfg := Config{Epochs: 50, Progress: func(e Epoch) {
		if epochs++; e.Epoch == 2 {
			cancel()
		}
	}}
	_, rep, err := Fit(ctx, cfg, data(rec))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if epochs != 2 || rep.Epochs != 2 {
		t.Errorf("%d progress calls, report says %d epochs; want 2", epochs, rep.Epochs)
	}
}

func TestBadInput(t *testing.T) {
	rec := synth(t, 100, 7, separable)
	reg := synth(t, 100, 8, linear)
	tests := []struct {
		name string
		cfg  Config
		data Data
		want error
	}{
		{"task", Config{Task: "ranking"}, data(rec), ErrInvalidConfig},
		{"hidden", Config{Hidden: []int{4, 0}}, data(rec), ErrInvalidConfig},
		{"activation", Config{Activation: model.Softmax}, data(rec), ErrInvalidConfig},
		{"negative_epochs", Config{Epochs: -1}, data(rec), ErrInvalidConfig},
		{"learning_rate", Config{LearningRate: math.NaN()}, data(rec), ErrInvalidConfig},
		{"fraction", Config{ValidationFraction: 1}, data(rec), ErrInvalidConfig},
		{"split", Config{ValidationSplit: "middle"}, data(rec), ErrInvalidConfig},
		{"class_weights", Config{ClassWeights: "heavy"}, data(rec), ErrInvalidConfig},
		{"no_label", Config{}, Data{Train: Records(rec), Features: []string{"x1"}}, ErrInvalidData},
		{"missing_column", Config{}, Data{Train: Records(rec), Features: []string{"x3"}, Label: "y"}, ErrInvalidData},
		{"label_is_feature", Config{}, Data{Train: Records(rec), Features: []string{"y"}, Label: "y"}, ErrInvalidData},
		{"regression_on_bool", Config{Task: model.TaskRegression}, data(rec), ErrInvalidData},
		{"multiclass_one_value", Config{Task: model.TaskMulticlass}, data(synth(t, 50, 9, func(float64, float64, *rand.Rand) any { return "a" })), ErrInvalidData},
		{"binary_many_values", Config{Task: model.TaskBinary}, data(reg), ErrInvalidData},
		{"no_rows", Config{}, Data{Train: Records(), Features: []string{"x1"}, Label: "y"}, ErrInvalidData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Fit(context.Background(), tt.cfg, tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	err := Config{Epochs: -1, BatchSize: -2, L2: -1, LearningRateDecay: 1.5, WeightAverage: 1, MinCount: -1}.Validate()
	for _, want := range []string{"epochs", "batch_size", "l2", "learning_rate_decay", "weight_average", "min_count"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
}
