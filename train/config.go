package train

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/refit-ml/refit/model"
)

// Split says how Fit holds out validation rows when the caller gives none.
type Split string

// The validation splits.
const (
	// SplitRandom holds out a seeded random ValidationFraction of the rows.
	SplitRandom Split = "random"
	// SplitTail holds out the last ValidationFraction of the rows in source
	// order: a time-based split when the source is ordered by time.
	SplitTail Split = "tail"
	// SplitTime holds out the most recent ValidationFraction of the rows
	// by Data.TimeColumn (ties go by source order, later rows being the
	// more recent), whatever the source order: early stopping then
	// watches the rows closest to the data the model will score.
	SplitTime Split = "time"
)

// Config configures Fit. The zero value is usable: every field has a
// default, filled in by one function and named in the field's doc. Fields
// decode from YAML (go.yaml.in/yaml/v3) under the names in their tags.
type Config struct {
	// Task is binary, multiclass or regression. Defaults to one inferred
	// from the label column: bool → binary; string → binary with two
	// classes, multiclass with more; numeric → regression.
	Task model.Task `yaml:"task"`
	// Hidden lists the widths of the hidden layers. Defaults to none:
	// logistic (binary), softmax (multiclass) or linear regression.
	Hidden []int `yaml:"hidden"`
	// Activation of the hidden layers: relu or tanh. Defaults to relu.
	Activation model.Activation `yaml:"activation"`
	// Epochs is the maximum number of passes over the training rows.
	// Defaults to 100.
	Epochs int `yaml:"epochs"`
	// BatchSize is the number of rows per Adam step. Defaults to 256.
	BatchSize int `yaml:"batch_size"`
	// LearningRate is Adam's step size. Defaults to 0.001.
	LearningRate float64 `yaml:"learning_rate"`
	// LearningRateDecay multiplies the learning rate after every epoch
	// whose validation loss did not improve (0 < decay ≤ 1), so that
	// training takes smaller steps near a minimum before Patience stops
	// it. Defaults to 1 (a constant learning rate).
	LearningRateDecay float64 `yaml:"learning_rate_decay"`
	// WeightAverage, when above 0, makes the model's weights (validated
	// after each epoch and returned) an exponential moving average of the
	// weights after each step, with this factor per step (0.999 averages
	// over about the last 1000 steps). Averaging smooths out the noise of
	// the last minibatches. Defaults to 0 (the last step's weights).
	WeightAverage float64 `yaml:"weight_average"`
	// L2 adds L2/2·Σw² over the weights (not the biases) to each batch's
	// mean loss. Defaults to 0.
	L2 float64 `yaml:"l2"`
	// Patience stops training after this many epochs without a validation
	// loss improvement larger than Tolerance; the best epoch's weights are
	// kept. Defaults to 5.
	Patience int `yaml:"patience"`
	// Tolerance is the smallest validation-loss decrease that counts as an
	// improvement. Defaults to 1e-4.
	Tolerance float64 `yaml:"tolerance"`
	// ValidationFraction of the training rows is held out for early
	// stopping when Data.Validation is nil. Defaults to 0.1.
	ValidationFraction float64 `yaml:"validation_fraction"`
	// ValidationSplit picks the held-out rows: random, tail or time (which
	// needs Data.TimeColumn). Defaults to random.
	ValidationSplit Split `yaml:"validation_split"`
	// ClassWeights weights each training row's loss by its class: "" gives
	// every row weight 1; "balanced" gives n/(classes·count(class)).
	// Classification only. Defaults to "".
	ClassWeights string `yaml:"class_weights"`
	// TopK is the largest number of one-hot categories per string column
	// (see model.FitConfig); rarer values share one "other" feature with
	// unseen ones. Defaults to 256, enough for every airport of the
	// flights data (about 230), where 32 cost 0.02–0.04 ROC AUC.
	TopK int `yaml:"top_k"`
	// MinCount is the number of training rows a category needs for its
	// own one-hot feature (see model.FitConfig). Defaults to 1.
	MinCount int `yaml:"min_count"`
	// Threads is the number of goroutines a training step may use. The
	// model does not depend on it: every sum is formed in the same order
	// whatever the count. Defaults to runtime.GOMAXPROCS(0).
	Threads int `yaml:"threads"`
	// Seed drives the weight initialization, the validation split and the
	// minibatch order. Defaults to 0 (which is a seed like any other).
	Seed uint64 `yaml:"seed"`
	// Progress, if set, is called after every epoch from Fit's goroutine.
	Progress func(Epoch) `yaml:"-"`
}

// withDefaults returns a copy of c with defaults filled in; Task stays
// empty (it is inferred from the data).
func (c Config) withDefaults() Config {
	c.Hidden = slices.Clone(c.Hidden)
	c.Activation = orDefault(c.Activation, model.ReLU)
	c.Epochs = orDefault(c.Epochs, 100)
	c.BatchSize = orDefault(c.BatchSize, 256)
	c.LearningRate = orDefault(c.LearningRate, 0.001)
	c.LearningRateDecay = orDefault(c.LearningRateDecay, 1)
	c.Patience = orDefault(c.Patience, 5)
	c.Tolerance = orDefault(c.Tolerance, 1e-4)
	c.ValidationFraction = orDefault(c.ValidationFraction, 0.1)
	c.ValidationSplit = orDefault(c.ValidationSplit, SplitRandom)
	c.TopK = orDefault(c.TopK, 256)
	c.MinCount = orDefault(c.MinCount, 1)
	c.Threads = orDefault(c.Threads, runtime.GOMAXPROCS(0))
	return c
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Validate reports every problem of c (after defaults) at once; the error
// wraps ErrInvalidConfig.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch c.Task {
	case "", model.TaskBinary, model.TaskMulticlass, model.TaskRegression:
	default:
		bad("task %q: want binary, multiclass or regression", c.Task)
	}
	for i, h := range c.Hidden {
		if h <= 0 || h > 1<<16 {
			bad("hidden[%d] = %d: want 1..65536", i, h)
		}
	}
	if c.Activation != model.ReLU && c.Activation != model.Tanh {
		bad("activation %q: want relu or tanh", c.Activation)
	}
	positive := map[string]int{"epochs": c.Epochs, "batch_size": c.BatchSize, "patience": c.Patience, "top_k": c.TopK,
		"min_count": c.MinCount, "threads": c.Threads}
	for _, name := range []string{"epochs", "batch_size", "patience", "top_k", "min_count", "threads"} {
		if positive[name] < 0 {
			bad("%s = %d: want a positive number", name, positive[name])
		}
	}
	if !(c.LearningRate > 0 && c.LearningRate < 10) {
		bad("learning_rate = %v: want 0 < rate < 10", c.LearningRate)
	}
	if !(c.LearningRateDecay > 0 && c.LearningRateDecay <= 1) {
		bad("learning_rate_decay = %v: want 0 < decay ≤ 1", c.LearningRateDecay)
	}
	if !(c.WeightAverage >= 0 && c.WeightAverage < 1) {
		bad("weight_average = %v: want 0 ≤ factor < 1", c.WeightAverage)
	}
	if !(c.L2 >= 0) || math.IsInf(c.L2, 0) {
		bad("l2 = %v: want a finite value ≥ 0", c.L2)
	}
	if !(c.Tolerance >= 0) || math.IsInf(c.Tolerance, 0) {
		bad("tolerance = %v: want a finite value ≥ 0", c.Tolerance)
	}
	if !(c.ValidationFraction > 0 && c.ValidationFraction < 1) {
		bad("validation_fraction = %v: want 0 < fraction < 1", c.ValidationFraction)
	}
	if c.ValidationSplit != SplitRandom && c.ValidationSplit != SplitTail && c.ValidationSplit != SplitTime {
		bad("validation_split %q: want random, tail or time", c.ValidationSplit)
	}
	if c.ClassWeights != "" && c.ClassWeights != "balanced" {
		bad("class_weights %q: want \"\" or balanced", c.ClassWeights)
	}
	if c.ClassWeights != "" && c.Task == model.TaskRegression {
		bad("class_weights: only for binary and multiclass tasks")
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("train: %w: %w", ErrInvalidConfig, errors.Join(errs...))
}
