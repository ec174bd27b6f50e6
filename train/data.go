package train

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
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
	// TimeColumn orders the rows in time for Config.ValidationSplit
	// "time": a timestamp, date or numeric column without nulls. It need
	// not be a feature. Required for that split only.
	TimeColumn string
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

// dataset holds the features of its rows as sparse rows (see
// model.SparseRows: k slots per row, indexes into the width features) and
// their targets: class indices for classification, standardized values
// for regression.
type dataset struct {
	idx   []int32   // rows×k feature indexes
	val   []float32 // rows×k values
	k     int
	cls   []int32
	y     []float32
	rows  int
	width int
}

// sparse is d's features as model.SparseRows.
func (d *dataset) sparse() model.SparseRows {
	return model.SparseRows{Idx: d.idx, Val: d.val, Rows: d.rows, Width: d.k}
}

// splitMask marks the validation rows of n training rows: a random,
// trailing or most recent (times, one per row) fraction, never all and
// never none (n ≥ 2).
func splitMask(n int, cfg Config, rng *rand.Rand, times []int64) []bool {
	k := min(max(int(float64(n)*cfg.ValidationFraction+0.5), 1), n-1)
	mask := make([]bool, n)
	switch cfg.ValidationSplit {
	case SplitTail:
		for i := n - k; i < n; i++ {
			mask[i] = true
		}
	case SplitTime:
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(times[a], times[b]) })
		for _, i := range order[n-k:] {
			mask[i] = true
		}
	default:
		for _, i := range rng.Perm(n)[:k] {
			mask[i] = true
		}
	}
	return mask
}

// readTimes reads column col of every record of b as int64 (a timestamp
// or date in its unit, an integer, or a float's order-preserving bits).
func readTimes(b *batches, col string) ([]int64, error) {
	out := make([]int64, 0, b.rows)
	for _, rec := range b.recs {
		idx := rec.Schema().FieldIndices(col)
		if len(idx) != 1 {
			return nil, fmt.Errorf("%w: time column %q: %d columns of that name, want 1", ErrInvalidData, col, len(idx))
		}
		arr := rec.Column(idx[0])
		if arr.NullN() > 0 {
			return nil, fmt.Errorf("%w: time column %q has %d missing values", ErrInvalidData, col, arr.NullN())
		}
		var err error
		if out, err = appendTimes(out, arr); err != nil {
			return nil, fmt.Errorf("%w: time column %q: %w", ErrInvalidData, col, err)
		}
	}
	return out, nil
}

func appendTimes(out []int64, arr arrow.Array) ([]int64, error) {
	switch a := arr.(type) {
	case *array.Timestamp:
		for _, v := range a.TimestampValues() {
			out = append(out, int64(v))
		}
	case *array.Date32:
		for _, v := range a.Date32Values() {
			out = append(out, int64(v))
		}
	case *array.Date64:
		for _, v := range a.Date64Values() {
			out = append(out, int64(v))
		}
	case *array.Int64:
		out = append(out, a.Int64Values()...)
	case *array.Int32:
		for _, v := range a.Int32Values() {
			out = append(out, int64(v))
		}
	case *array.Float64:
		for _, v := range a.Float64Values() {
			out = append(out, orderedBits(v))
		}
	default:
		return nil, fmt.Errorf("type %s: want a timestamp, date or number", arr.DataType())
	}
	return out, nil
}

// orderedBits maps a float64 to an int64 of the same order (NaN last).
func orderedBits(v float64) int64 {
	if math.IsNaN(v) {
		return math.MaxInt64
	}
	b := int64(math.Float64bits(v))
	if b < 0 {
		b ^= math.MaxInt64
	}
	return b
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

// features transforms b into the sparse rows of the rows whose mask is
// false (first) and true (second).
func features(ctx context.Context, b *batches, mask []bool, pre *model.Preprocessor) (train, valid dataset, err error) {
	k := pre.SparseWidth()
	nValid := 0
	for _, v := range mask {
		if v {
			nValid++
		}
	}
	train = dataset{idx: make([]int32, 0, (b.rows-nValid)*k), val: make([]float32, 0, (b.rows-nValid)*k), k: k, width: pre.NumFeatures()}
	valid = dataset{idx: make([]int32, 0, nValid*k), val: make([]float32, 0, nValid*k), k: k, width: pre.NumFeatures()}
	var tmp model.SparseRows
	off := 0
	for _, rec := range b.recs {
		if err := ctx.Err(); err != nil {
			return train, valid, err
		}
		n := int(rec.NumRows())
		if tmp, err = pre.TransformSparse(rec, 0, n, tmp); err != nil {
			return train, valid, err
		}
		for r := range n {
			d := &train
			if mask != nil && mask[off+r] {
				d = &valid
			}
			d.idx = append(d.idx, tmp.Idx[r*k:(r+1)*k]...)
			d.val = append(d.val, tmp.Val[r*k:(r+1)*k]...)
			d.rows++
		}
		off += n
	}
	return train, valid, nil
}
