package train

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
)

// Source yields record batches; (*ingest.Dataset).Records is one. A
// yielded record only needs to stay valid until the next iteration: Fit
// retains what it keeps and releases it before returning.
type Source func(ctx context.Context) iter.Seq2[arrow.Record, error]

// Records returns a Source over records the caller owns; they must stay
// valid while Fit runs.
func Records(recs ...arrow.Record) Source {
	return func(context.Context) iter.Seq2[arrow.Record, error] {
		return func(yield func(arrow.Record, error) bool) {
			for _, r := range recs {
				if !yield(r, nil) {
					return
				}
			}
		}
	}
}

// LabelColumn is the name of the column a derived label (the values of a
// label expression such as "delay > 15") is appended to records as, before
// they reach Fit with Data.Label set to it. The pipeline and refit train
// and optimize all use it.
const LabelColumn = "__label"

// Data is what Fit learns from.
type Data struct {
	// Train yields the training rows. Required.
	Train Source
	// Validation yields the rows early stopping watches. If nil,
	// Config.ValidationFraction of the Train rows are held out
	// (Config.ValidationSplit says which).
	Validation Source
	// Features are the input columns, in order. Required.
	Features []string
	// Label is the label column: bool, string or numeric. Required; rows
	// with a missing label are an error (filter them out first). A label
	// derived from an expression is appended as LabelColumn.
	Label string
	// Lineage is copied into the model's Spec.Lineage, for instance the
	// label expression under evaluate.LineageLabel ("label") and the
	// dataset fingerprint. Optional.
	Lineage map[string]string
}

// batches is a read source held in memory: retained records.
type batches struct {
	recs []arrow.Record
	rows int
}

func (b *batches) release() {
	for _, r := range b.recs {
		r.Release()
	}
	b.recs = nil
}

// collect reads every record of src, retaining them, and checks that the
// columns are present.
func collect(ctx context.Context, src Source, d *Data) (*batches, error) {
	b := &batches{}
	for rec, err := range src(ctx) {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = checkColumns(rec.Schema(), d)
		}
		if err != nil {
			b.release()
			return nil, err
		}
		rec.Retain()
		b.recs = append(b.recs, rec)
		b.rows += int(rec.NumRows())
	}
	return b, ctx.Err()
}

func checkColumns(s *arrow.Schema, d *Data) error {
	for _, name := range append([]string{d.Label}, d.Features...) {
		if n := len(s.FieldIndices(name)); n != 1 {
			return fmt.Errorf("%w: %d columns named %q, want 1", ErrInvalidData, n, name)
		}
	}
	return nil
}

// dataset is a feature matrix with its targets: class indices for
// classification, standardized values for regression.
type dataset struct {
	x     []float32 // rows×cols, row-major
	cls   []int32
	y     []float32
	rows  int
	width int
}

// splitMask marks the validation rows of n training rows: a random or
// trailing fraction, never all and never none (n ≥ 2).
func splitMask(n int, cfg Config, rng *rand.Rand) []bool {
	k := min(max(int(float64(n)*cfg.ValidationFraction+0.5), 1), n-1)
	mask := make([]bool, n)
	if cfg.ValidationSplit == SplitTail {
		for i := n - k; i < n; i++ {
			mask[i] = true
		}
		return mask
	}
	for _, i := range rng.Perm(n)[:k] {
		mask[i] = true
	}
	return mask
}

// eachRun calls fn for every maximal run [lo, hi) of rows in [off,
// off+n) whose mask value equals want (a nil mask selects every row when
// want is false).
func eachRun(mask []bool, off, n int, want bool, fn func(lo, hi int) error) error {
	at := func(i int) bool { return mask != nil && mask[off+i] }
	for lo := 0; lo < n; {
		if at(lo) != want {
			lo++
			continue
		}
		hi := lo + 1
		for hi < n && at(hi) == want {
			hi++
		}
		if err := fn(lo, hi); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

// fitPreprocessing fits the preprocessing on the rows of b whose mask is
// false (the training rows).
func fitPreprocessing(b *batches, mask []bool, d *Data, cfg Config) (*model.Preprocessor, error) {
	f, err := model.NewFitter(d.Features, model.FitConfig{TopK: cfg.TopK, MinCount: cfg.MinCount})
	if err != nil {
		return nil, err
	}
	off := 0
	for _, rec := range b.recs {
		n := int(rec.NumRows())
		err := eachRun(mask, off, n, false, func(lo, hi int) error {
			if lo == 0 && hi == n {
				return f.Add(rec)
			}
			part := rec.NewSlice(int64(lo), int64(hi))
			defer part.Release()
			return f.Add(part)
		})
		if err != nil {
			return nil, err
		}
		off += n
	}
	return f.Preprocessor()
}

// features transforms b into the matrices of the rows whose mask is false
// (first) and true (second).
func features(ctx context.Context, b *batches, mask []bool, pre *model.Preprocessor) (train, valid []float32, err error) {
	w := pre.NumFeatures()
	nValid := 0
	for _, v := range mask {
		if v {
			nValid++
		}
	}
	train = make([]float32, 0, (b.rows-nValid)*w)
	valid = make([]float32, 0, nValid*w)
	var tmp []float32
	off := 0
	for _, rec := range b.recs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if tmp, err = pre.Transform(rec, tmp); err != nil {
			return nil, nil, err
		}
		for r := range int(rec.NumRows()) {
			row := tmp[r*w : (r+1)*w]
			if mask != nil && mask[off+r] {
				valid = append(valid, row...)
			} else {
				train = append(train, row...)
			}
		}
		off += int(rec.NumRows())
	}
	return train, valid, nil
}
