package train

import (
	"context"
	"iter"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/internal/colexpr"
)

// Select returns src's records (of schema) restricted to the rows where the
// expression where is true (all rows when it is empty) and, when label is
// set, with the label expression's value appended as [LabelColumn]; rows
// where the label is null are dropped. This is how `refit train`,
// `refit optimize` and `refit predict` turn --where and --label into
// training rows. Each yielded record is valid until the next iteration.
func Select(src Source, schema *arrow.Schema, where, label string) (Source, error) {
	cond := where
	if label != "" {
		cond = "(" + label + ") != nil"
		if where != "" {
			cond = "(" + where + ") && " + cond
		}
	}
	var filter, lab *colexpr.Program
	var err error
	if label != "" {
		if lab, err = colexpr.Compile(label, schema); err != nil {
			return nil, err
		}
	}
	if cond != "" {
		if filter, err = colexpr.Compile(cond, schema); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context) iter.Seq2[arrow.Record, error] {
		return func(yield func(arrow.Record, error) bool) {
			for rec, err := range src(ctx) {
				if err == nil {
					rec, err = withLabel(rec, filter, lab)
				}
				if err != nil {
					yield(nil, err)
					return
				}
				ok := yield(rec, nil)
				rec.Release()
				if !ok {
					return
				}
			}
		}
	}, nil
}

// withLabel filters rec and appends the label column; the caller releases
// the result.
func withLabel(rec arrow.Record, filter, label *colexpr.Program) (arrow.Record, error) {
	if filter == nil {
		rec.Retain()
	} else {
		var err error
		if rec, err = colexpr.Filter(filter, rec); err != nil {
			return nil, err
		}
	}
	if label == nil {
		return rec, nil
	}
	defer rec.Release()
	col, err := label.Eval(rec)
	if err != nil {
		return nil, err
	}
	defer col.Release()
	fields := append(rec.Schema().Fields(), arrow.Field{Name: LabelColumn, Type: col.DataType(), Nullable: true})
	cols := append(append([]arrow.Array(nil), rec.Columns()...), col)
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows()), nil
}
