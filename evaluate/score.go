package evaluate

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/model"
)

// SliceExpr is a named slice given by a boolean expression over the
// evaluated rows (see package internal/colexpr), e.g. long_haul =
// "distance > 2000". Rows where it is null are outside the slice.
type SliceExpr struct {
	Name string
	Expr string
}

// ScoreOptions configure Score. The zero value needs models whose lineage
// names their label (LineageLabel).
type ScoreOptions struct {
	// Label is the label expression or column. Defaults to the models'
	// lineage entry LineageLabel, which must then agree between models.
	Label string
	// Where keeps only the rows where this boolean expression is true.
	// Defaults to every row.
	Where string
	// Slices are evaluated besides the automatic ones.
	Slices []SliceExpr
	// NoAutoSlices turns the automatic slices off (see MaxSliceValues).
	NoAutoSlices bool
	// SampleRows is how many of the first evaluated rows are kept,
	// transformed, for MeasureCost. Defaults to ThroughputBatch.
	SampleRows int
}

// Scores are the labels and predictions of several models on the same
// rows, from one pass over the data. Index i of the per-model slices is the
// i-th model given to Score.
type Scores struct {
	Label  string      // the label expression used
	Rows   int         // rows scored (kept by Where, with a label)
	Labels [][]float64 // per model: class index, or regression target
	Preds  [][]float32 // per model, as model.Predictor.Predict gives them
	Slices []Slice     // expression slices, then automatic slices
	// Samples hold, per model, the features of the first SampleRows rows,
	// ready for MeasureCost.
	Samples    [][]float32
	SampleRows int
	// SampleRecord holds the same rows as Arrow columns, for the
	// end-to-end throughput. It is a copy in Go memory (releasing it is
	// optional).
	SampleRecord arrow.Record
}

// Score runs every model on the records (one pass; a record is only read
// during its iteration, as ingest.Dataset.Records gives them) and returns
// labels, predictions and slices. schema is the records' schema, to
// compile expressions against. Rows with a null label are skipped. Errors
// wrap ErrInvalidInput for bad expressions or labels, or come from the
// records and the models.
func Score(ctx context.Context, models []*model.Model, schema *arrow.Schema, records iter.Seq2[arrow.Record, error], opts ScoreOptions) (*Scores, error) {
	s, err := newScorer(models, schema, opts)
	if err != nil {
		return nil, fmt.Errorf("evaluate score: %w", err)
	}
	for rec, err := range records {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = s.add(rec)
		}
		if err != nil {
			return nil, fmt.Errorf("evaluate score: %w", err)
		}
	}
	return s.finish(), nil
}

// LabelOf returns the label expression a model records in its lineage, or "".
func LabelOf(m *model.Model) string { return m.Spec().Lineage[LineageLabel] }

// scorer is the state of one Score pass.
type scorer struct {
	models []*model.Model
	preds  []*model.Predictor
	enc    []*model.LabelEncoder
	label  *colexpr.Program
	where  *colexpr.Program
	exprs  []*colexpr.Program
	auto   *autoSlices
	out    Scores
	want   int // sample rows
}

func newScorer(models []*model.Model, schema *arrow.Schema, opts ScoreOptions) (*scorer, error) {
	if len(models) == 0 {
		return nil, fmt.Errorf("%w: no model", ErrInvalidInput)
	}
	label, err := labelExpr(models, opts.Label)
	if err != nil {
		return nil, err
	}
	s := &scorer{models: models, want: opts.SampleRows}
	if s.want <= 0 {
		s.want = ThroughputBatch
	}
	s.out = Scores{Label: label, Labels: make([][]float64, len(models)),
		Preds: make([][]float32, len(models)), Samples: make([][]float32, len(models))}
	if s.label, err = compile(label, schema, false); err != nil {
		return nil, fmt.Errorf("label: %w", err)
	}
	if opts.Where != "" {
		if s.where, err = compile(opts.Where, schema, true); err != nil {
			return nil, fmt.Errorf("where: %w", err)
		}
	}
	if err := s.compileSlices(opts.Slices, schema); err != nil {
		return nil, err
	}
	s.setModels(schema, !opts.NoAutoSlices)
	return s, nil
}

func (s *scorer) compileSlices(exprs []SliceExpr, schema *arrow.Schema) error {
	seen := map[string]bool{}
	for _, se := range exprs {
		if se.Name == "" || seen[se.Name] {
			return fmt.Errorf("%w: slice name %q is empty or repeated", ErrInvalidInput, se.Name)
		}
		seen[se.Name] = true
		p, err := compile(se.Expr, schema, true)
		if err != nil {
			return fmt.Errorf("slice %s: %w", se.Name, err)
		}
		s.exprs = append(s.exprs, p)
		s.out.Slices = append(s.out.Slices, Slice{Name: se.Name})
	}
	return nil
}

func (s *scorer) setModels(schema *arrow.Schema, auto bool) {
	var inputs []string
	for _, m := range s.models {
		s.preds = append(s.preds, m.NewPredictor())
		s.enc = append(s.enc, m.LabelEncoder())
		for _, in := range m.Preprocessor().Inputs() {
			if !slices.Contains(inputs, in) {
				inputs = append(inputs, in)
			}
		}
	}
	if auto {
		s.auto = newAutoSlices(schema, inputs)
	}
}

// labelExpr picks the label expression: the option, or the models' lineage.
func labelExpr(models []*model.Model, opt string) (string, error) {
	if opt != "" {
		return opt, nil
	}
	label := LabelOf(models[0])
	for _, m := range models[1:] {
		if LabelOf(m) != label {
			return "", fmt.Errorf("%w: the models record different labels (%q, %q): give the label", ErrInvalidInput, label, LabelOf(m))
		}
	}
	if label == "" {
		return "", fmt.Errorf("%w: the model does not record its label: give the label expression", ErrInvalidInput)
	}
	return label, nil
}

func compile(src string, schema *arrow.Schema, boolean bool) (*colexpr.Program, error) {
	p, err := colexpr.Compile(src, schema)
	if err == nil && boolean {
		err = p.MustBool()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return p, nil
}

// add scores one record.
func (s *scorer) add(rec arrow.Record) error {
	labels, err := s.label.Eval(rec)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	defer labels.Release()
	keep, err := s.keep(rec, labels)
	if err != nil {
		return err
	}
	defer keep.Release()
	kept, err := filterRecord(rec, keep)
	if err != nil {
		return err
	}
	defer kept.Release()
	offset := s.out.Rows
	for i := range s.models {
		if err := s.addModel(i, rec, kept, labels, keep); err != nil {
			return err
		}
	}
	s.out.Rows += int(kept.NumRows())
	return s.addSlices(kept, offset)
}

// keep is the mask of rows with a label where Where is true.
func (s *scorer) keep(rec arrow.Record, labels arrow.Array) (*array.Boolean, error) {
	b := array.NewBooleanBuilder(compute.GetAllocator(context.Background()))
	defer b.Release()
	var where arrow.Array
	if s.where != nil {
		var err error
		if where, err = s.where.Eval(rec); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidInput, err)
		}
		defer where.Release()
	}
	for i := range int(rec.NumRows()) {
		ok := labels.IsValid(i)
		if w, isBool := where.(*array.Boolean); ok && where != nil {
			ok = isBool && w.IsValid(i) && w.Value(i)
		}
		b.Append(ok)
	}
	return b.NewBooleanArray(), nil
}

func filterRecord(rec arrow.Record, keep *array.Boolean) (arrow.Record, error) {
	if keep.NullN() == 0 && countTrue(keep) == keep.Len() {
		rec.Retain()
		return rec, nil
	}
	out, err := compute.FilterRecordBatch(context.Background(), rec, keep, compute.DefaultFilterOptions())
	if err != nil {
		return nil, fmt.Errorf("filtering rows: %w", err)
	}
	return out, nil
}

func countTrue(b *array.Boolean) int {
	n := 0
	for i := range b.Len() {
		if b.Value(i) {
			n++
		}
	}
	return n
}

// addModel appends model i's labels and predictions for the kept rows.
func (s *scorer) addModel(i int, rec, kept arrow.Record, labels arrow.Array, keep *array.Boolean) error {
	for r := range int(rec.NumRows()) {
		if !keep.Value(r) {
			continue
		}
		y, err := s.enc[i].Encode(labels, r)
		if err != nil {
			return fmt.Errorf("model %d: label of row %d: %w", i+1, len(s.out.Labels[i]), invalidLabel{err})
		}
		s.out.Labels[i] = append(s.out.Labels[i], y)
	}
	out := s.out.Preds[i]
	start := len(out)
	out = slices.Grow(out, int(kept.NumRows())*s.models[i].OutputWidth())
	dst, err := s.preds[i].Predict(kept, out[start:start])
	if err != nil {
		return fmt.Errorf("model %d: %w", i+1, err)
	}
	s.out.Preds[i] = out[:start+len(dst)]
	return s.addSample(i, kept)
}

// addSample keeps the features of the first rows for MeasureCost.
func (s *scorer) addSample(i int, kept arrow.Record) error {
	n := min(s.want-s.out.SampleRows, int(kept.NumRows()))
	if n <= 0 {
		return nil
	}
	x, err := s.models[i].Preprocessor().TransformRows(kept, 0, n, nil)
	if err != nil {
		return fmt.Errorf("model %d: %w", i+1, err)
	}
	s.out.Samples[i] = append(s.out.Samples[i], x...)
	if i == len(s.models)-1 {
		s.out.SampleRows += n
		return s.addSampleRecord(kept, n)
	}
	return nil
}

// addSampleRecord appends the first n rows of kept to the sample record.
func (s *scorer) addSampleRecord(kept arrow.Record, n int) error {
	part := kept.NewSlice(0, int64(n))
	defer part.Release()
	parts := []arrow.Record{part}
	if s.out.SampleRecord != nil {
		parts = []arrow.Record{s.out.SampleRecord, part}
	}
	rec, err := concatRecords(parts)
	if err != nil {
		return err
	}
	s.out.SampleRecord = rec
	return nil
}

func (s *scorer) addSlices(kept arrow.Record, offset int) error {
	for j, p := range s.exprs {
		mask, err := p.Eval(kept)
		if err != nil {
			return fmt.Errorf("slice %s: %w: %w", s.out.Slices[j].Name, ErrInvalidInput, err)
		}
		b, _ := mask.(*array.Boolean)
		for r := range int(kept.NumRows()) {
			if b != nil && b.IsValid(r) && b.Value(r) {
				s.out.Slices[j].Rows = append(s.out.Slices[j].Rows, offset+r)
			}
		}
		mask.Release()
	}
	if s.auto == nil {
		return nil
	}
	return s.auto.add(kept, offset)
}

func (s *scorer) finish() *Scores {
	if s.auto != nil {
		s.out.Slices = append(s.out.Slices, s.auto.slices()...)
	}
	return &s.out
}
