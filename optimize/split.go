package optimize

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/train"
)

// MeasureFraction is the tail of the rows that measures the metric when
// fine-tuning uses the rest.
const MeasureFraction = 0.1

// Split holds rows split in source order: fine-tuning takes the first
// 90 %, the metric is measured on the last 10 %, so no row is both and
// the measuring rows are not neighbours of rows the model was tuned on
// (rows of one day share weather, traffic and every other cause a label
// depends on). Without fine-tuning every row measures. The Split owns its
// records until Release.
type Split struct {
	FineTune, Measure []arrow.Record
	// Rows is the number of rows; Cut the first measuring row (0 when
	// every row measures).
	Rows, Cut int64
}

// ReadSplit reads the rows of src, retaining them, and splits them.
// Fewer than 10 rows are not split.
func ReadSplit(ctx context.Context, src train.Source, fineTune bool) (*Split, error) {
	var all []arrow.Record
	s := &Split{}
	for rec, err := range src(ctx) {
		if err != nil {
			releaseAll(all)
			return nil, err
		}
		rec.Retain()
		all = append(all, rec)
		s.Rows += rec.NumRows()
	}
	if fineTune && s.Rows >= 10 {
		s.Cut = s.Rows - int64(float64(s.Rows)*MeasureFraction)
	}
	var at int64
	for _, rec := range all {
		n := rec.NumRows()
		switch {
		case at+n <= s.Cut:
			rec.Retain()
			s.FineTune = append(s.FineTune, rec)
		case at >= s.Cut:
			rec.Retain()
			s.Measure = append(s.Measure, rec)
		default:
			s.FineTune = append(s.FineTune, rec.NewSlice(0, s.Cut-at))
			s.Measure = append(s.Measure, rec.NewSlice(s.Cut-at, n))
		}
		at += n
	}
	releaseAll(all)
	return s, nil
}

// Validation is the features and labels (from column label) of the
// measuring rows, as m sees them.
func (s *Split) Validation(m *model.Model, label string) (Validation, error) {
	var val Validation
	for _, rec := range s.Measure {
		var err error
		if val, err = val.Append(m, rec, label); err != nil {
			return val, err
		}
	}
	return val, nil
}

// Release releases the split's records.
func (s *Split) Release() {
	releaseAll(s.FineTune)
	releaseAll(s.Measure)
}

// Append adds rec's features, as m's preprocessor makes them, and its
// labels from column label, encoded by m's label encoder.
func (v Validation) Append(m *model.Model, rec arrow.Record, label string) (Validation, error) {
	x, err := m.Preprocessor().Transform(rec, nil)
	if err != nil {
		return v, err
	}
	v.X = append(v.X, x...)
	idx := rec.Schema().FieldIndices(label)
	if len(idx) == 0 {
		return v, fmt.Errorf("no label column")
	}
	col, enc := rec.Column(idx[0]), m.LabelEncoder()
	for i := range col.Len() {
		y, err := enc.Encode(col, i)
		if err != nil {
			return v, err
		}
		v.Labels = append(v.Labels, y)
	}
	return v, nil
}

func releaseAll(recs []arrow.Record) {
	for _, r := range recs {
		r.Release()
	}
}
