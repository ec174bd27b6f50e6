package train

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/refit-ml/refit/model"
)

// problem is the data of one Fit in memory: fitted preprocessing, feature
// matrices and targets of the training and validation rows.
type problem struct {
	pre          *model.Preprocessor
	task         model.Task
	labels       []string
	mean, std    float64   // regression target standardization
	classWeights []float32 // per class; nil for regression
	train, valid dataset
	// validTimes are the validation rows' times by Data.TimeColumn, for
	// measuring the calibrator's shift over time; nil without a usable
	// time column.
	validTimes []int64
}

// prepare reads the sources, splits off validation rows if needed, fits
// the preprocessing on the training rows and builds the matrices.
func prepare(ctx context.Context, cfg Config, d Data) (*problem, error) {
	tb, vb, lab, mask, err := readData(ctx, cfg, d)
	if err != nil {
		return nil, err
	}
	defer tb.release()
	defer vb.release()
	p := &problem{task: cmp.Or(cfg.Task, lab.inferTask())}
	if p.pre, err = fitPreprocessing(tb, mask, &d, cfg); err != nil {
		return nil, err
	}
	if err := p.build(ctx, tb, vb, &lab, mask, cfg); err != nil {
		return nil, err
	}
	p.validTimes = validationTimes(tb, vb, mask, d.TimeColumn)
	return p, nil
}

// readData reads the sources and their labels and, without a validation
// source, draws the mask of rows held out for validation. The caller
// releases tb and vb.
func readData(ctx context.Context, cfg Config, d Data) (tb, vb *batches, lab labels, mask []bool, err error) {
	if tb, vb, err = collectAll(ctx, d); err != nil {
		return nil, nil, lab, nil, err
	}
	if err = lab.read(tb, d.Label); err == nil {
		err = lab.read(vb, d.Label)
	}
	if err != nil {
		tb.release()
		vb.release()
		return nil, nil, lab, nil, err
	}
	if d.Validation == nil {
		var times []int64
		if cfg.ValidationSplit == SplitTime {
			if d.TimeColumn == "" {
				err = fmt.Errorf("%w: validation_split time needs a time column", ErrInvalidData)
			} else {
				times, err = readTimes(tb, d.TimeColumn)
			}
		}
		if err != nil {
			tb.release()
			vb.release()
			return nil, nil, lab, nil, err
		}
		mask = splitMask(tb.rows, cfg, rand.New(rand.NewPCG(cfg.Seed, 1)), times)
	}
	return tb, vb, lab, mask, nil
}

// build makes the feature matrices with p.pre and the targets, and checks
// both splits have rows.
func (p *problem) build(ctx context.Context, tb, vb *batches, lab *labels, mask []bool, cfg Config) error {
	if err := p.matrices(ctx, tb, vb, mask); err != nil {
		return err
	}
	if err := p.targets(lab, mask, tb.rows, cfg); err != nil {
		return err
	}
	if p.train.rows == 0 || p.valid.rows == 0 {
		return fmt.Errorf("%w: %d training and %d validation rows", ErrInvalidData, p.train.rows, p.valid.rows)
	}
	return nil
}

// collectAll reads the training and (if any) validation sources.
func collectAll(ctx context.Context, d Data) (tb, vb *batches, err error) {
	if tb, err = collect(ctx, d.Train, &d); err != nil {
		return nil, nil, fmt.Errorf("reading training data: %w", err)
	}
	vb = &batches{}
	if d.Validation != nil {
		if vb, err = collect(ctx, d.Validation, &d); err != nil {
			tb.release()
			return nil, nil, fmt.Errorf("reading validation data: %w", err)
		}
	}
	if tb.rows < 2 {
		tb.release()
		vb.release()
		return nil, nil, fmt.Errorf("%w: %d training rows, need at least 2", ErrInvalidData, tb.rows)
	}
	return tb, vb, nil
}

func (p *problem) matrices(ctx context.Context, tb, vb *batches, mask []bool) error {
	tx, vx, err := features(ctx, tb, mask, p.pre)
	if err != nil {
		return err
	}
	if len(vb.recs) > 0 {
		if vx, _, err = features(ctx, vb, nil, p.pre); err != nil {
			return err
		}
	}
	p.train, p.valid = tx, vx
	return nil
}

// targets splits the labels like the rows (the first nTrain labels are
// from the training source, the rest from the validation source).
func (p *problem) targets(lab *labels, mask []bool, nTrain int, cfg Config) error {
	if p.task == model.TaskRegression {
		if lab.kind != labelNumeric {
			return fmt.Errorf("%w: regression needs a numeric label", ErrInvalidData)
		}
		tr, va := splitRows(lab.num, mask, nTrain)
		p.mean, p.std = meanStd(tr)
		p.train.y, p.valid.y = standardize(tr, p.mean, p.std), standardize(va, p.mean, p.std)
		return nil
	}
	names, cls, err := lab.classes(p.task)
	if err != nil {
		return err
	}
	p.labels = names
	p.train.cls, p.valid.cls = splitRows(cls, mask, nTrain)
	p.classWeights = classWeights(p.train.cls, len(names), cfg.ClassWeights == "balanced")
	return nil
}

// splitRows splits all into the training rows (mask false, among the
// first nTrain) and validation rows (mask true, and every row after
// nTrain).
func splitRows[T any](all []T, mask []bool, nTrain int) (train, valid []T) {
	for i, v := range all {
		if i >= nTrain || (mask != nil && mask[i]) {
			valid = append(valid, v)
		} else {
			train = append(train, v)
		}
	}
	return train, valid
}

func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(max(len(v), 1))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	std = math.Sqrt(std / float64(max(len(v), 1)))
	if std == 0 || math.IsNaN(std) {
		std = 1
	}
	return mean, std
}

func standardize(v []float64, mean, std float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32((x - mean) / std)
	}
	return out
}

// classWeights is 1 per class, or n/(k·count) when balanced (a class
// absent from training gets 1).
func classWeights(cls []int32, k int, balanced bool) []float32 {
	w := make([]float32, k)
	counts := make([]int, k)
	for _, c := range cls {
		counts[c]++
	}
	for i := range w {
		w[i] = 1
		if balanced && counts[i] > 0 {
			w[i] = float32(float64(len(cls)) / float64(k*counts[i]))
		}
	}
	return w
}

// validationTimes returns the validation rows' times by col, in the order
// of the validation rows, or nil when col is empty or unusable (nulls, an
// unsupported type): the calibrator's shift is then measured on random
// chunks.
func validationTimes(tb, vb *batches, mask []bool, col string) []int64 {
	if col == "" {
		return nil
	}
	if len(vb.recs) > 0 {
		t, err := readTimes(vb, col)
		if err != nil {
			return nil
		}
		return t
	}
	all, err := readTimes(tb, col)
	if err != nil {
		return nil
	}
	_, valid := splitRows(all, mask, len(all))
	return valid
}
