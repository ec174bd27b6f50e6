package score

import (
	"context"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/atomicfile"
	"github.com/refit-ml/refit/model"
)

// WriteOptions configure WriteParquet. The zero value is ready to use.
type WriteOptions struct {
	// Keep lists input columns copied into the output beside the
	// predictions (keys). Defaults to none.
	Keep []string
}

// KeepError is a WriteOptions.Keep column that cannot be kept.
type KeepError struct {
	Column string
	Err    error
}

func (e *KeepError) Error() string { return fmt.Sprintf("keep %q: %v", e.Column, e.Err) }

// Unwrap returns the cause.
func (e *KeepError) Unwrap() error { return e.Err }

// WriteParquet scores every record of recs (whose schema is schema) with
// s and writes the predictions to path as Parquet (zstd), with the
// opts.Keep columns, crash-safely (see the package doc). The columns
// are in name order: binary, "prediction" (the probability of the
// positive class) and "label" (at 0.5); multiclass, "label" and one
// "prob_<class>" per class; regression, "prediction". Kept columns are
// optional, prediction columns required. The iterator owns the records.
func WriteParquet(ctx context.Context, path string, s *Scorer, schema *arrow.Schema, recs iter.Seq2[arrow.Record, error], opts WriteOptions) error {
	pw, err := newPredWriter(schema, opts.Keep, s.m)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(f io.Writer) error {
		w := parquet.NewWriter(f, pw.schema, parquet.Compression(&parquet.Zstd))
		var res Result
		for rec, err := range recs {
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				return err
			}
			if _, err := s.Score(rec, &res); err != nil {
				return err
			}
			if err := pw.write(w, rec, &res); err != nil {
				return err
			}
		}
		return w.Close()
	})
}

// predWriter turns records and predictions into Parquet rows.
type predWriter struct {
	schema *parquet.Schema
	cols   []outCol // in the schema's (name) order
	m      *model.Model
	res    *Result // the current batch's predictions
	rows   []parquet.Row
}

// outCol is one output column: a kept input column (src ≥ 0) or a
// prediction column.
type outCol struct {
	name  string
	node  parquet.Node
	src   int                     // record column, or -1
	value func(int) parquet.Value // prediction columns, by row
}

func newPredWriter(s *arrow.Schema, keep []string, m *model.Model) (*predWriter, error) {
	pw := &predWriter{m: m}
	cols := pw.predictionCols()
	for _, name := range keep {
		idx := s.FieldIndices(name)
		if len(idx) != 1 {
			return nil, &KeepError{name, fmt.Errorf("%w: not a column of the data", ingest.ErrInvalidInput)}
		}
		if slices.ContainsFunc(cols, func(c outCol) bool { return c.name == name }) {
			return nil, &KeepError{name, fmt.Errorf("%w: duplicate or clashes with an output column", ingest.ErrInvalidInput)}
		}
		node, err := parquetNode(s.Field(idx[0]).Type)
		if err != nil {
			return nil, &KeepError{name, err}
		}
		cols = append(cols, outCol{name: name, node: parquet.Optional(node), src: idx[0]})
	}
	group := parquet.Group{}
	for _, c := range cols {
		group[c.name] = c.node
	}
	pw.schema = parquet.NewSchema("predictions", group)
	for _, f := range pw.schema.Fields() {
		i := slices.IndexFunc(cols, func(c outCol) bool { return c.name == f.Name() })
		pw.cols = append(pw.cols, cols[i])
	}
	return pw, nil
}

// predictionCols are the columns the model's task writes; they read the
// current batch's predictions from pw.
func (pw *predWriter) predictionCols() []outCol {
	labels, k := pw.m.Labels(), pw.m.OutputWidth()
	p := func(i int) parquet.Value { return parquet.FloatValue(pw.res.Values[i*k]) }
	label := func(i int) parquet.Value { return parquet.ByteArrayValue([]byte(pw.res.Labels[i])) }
	switch pw.m.Task() {
	case model.TaskRegression:
		return []outCol{{name: "prediction", node: parquet.Leaf(parquet.FloatType), src: -1, value: p}}
	case model.TaskBinary:
		return []outCol{{name: "prediction", node: parquet.Leaf(parquet.FloatType), src: -1, value: p},
			{name: "label", node: parquet.String(), src: -1, value: label}}
	}
	cols := []outCol{{name: "label", node: parquet.String(), src: -1, value: label}}
	for j, l := range labels {
		cols = append(cols, outCol{name: "prob_" + l, node: parquet.Leaf(parquet.FloatType), src: -1,
			value: func(i int) parquet.Value { return parquet.FloatValue(pw.res.Values[i*k+j]) }})
	}
	return cols
}

// write appends one batch's rows. parquet.Writer is deprecated in favour
// of GenericWriter, but the rows' schema is only known at run time.
//
//lint:ignore SA1019 the schema is dynamic
func (pw *predWriter) write(w *parquet.Writer, rec arrow.Record, res *Result) error {
	pw.res = res
	n := int(rec.NumRows())
	for lo := 0; lo < n; lo += 1024 {
		pw.rows = pw.rows[:0]
		for i := lo; i < min(lo+1024, n); i++ {
			row := make(parquet.Row, len(pw.cols))
			for c, col := range pw.cols {
				row[c] = pw.value(col, rec, i, c)
			}
			pw.rows = append(pw.rows, row)
		}
		if _, err := w.WriteRows(pw.rows); err != nil {
			return err
		}
	}
	return nil
}

// value is column c of row i: prediction columns are required, kept
// columns optional.
func (pw *predWriter) value(col outCol, rec arrow.Record, i, c int) parquet.Value {
	if col.src < 0 {
		return col.value(i).Level(0, 0, c)
	}
	arr := rec.Column(col.src)
	if arr.IsNull(i) {
		return parquet.NullValue().Level(0, 0, c)
	}
	return keptValue(arr, i).Level(0, 1, c)
}

// parquetNode is the Parquet type of a kept column.
func parquetNode(dt arrow.DataType) (parquet.Node, error) {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return parquet.Int(64), nil
	case arrow.FLOAT32:
		return parquet.Leaf(parquet.FloatType), nil
	case arrow.FLOAT64:
		return parquet.Leaf(parquet.DoubleType), nil
	case arrow.BOOL:
		return parquet.Leaf(parquet.BooleanType), nil
	case arrow.STRING, arrow.LARGE_STRING:
		return parquet.String(), nil
	case arrow.DICTIONARY:
		if v := dt.(*arrow.DictionaryType).ValueType.ID(); v == arrow.STRING || v == arrow.LARGE_STRING {
			return parquet.String(), nil
		}
	case arrow.TIMESTAMP:
		unit := map[arrow.TimeUnit]parquet.TimeUnit{arrow.Millisecond: parquet.Millisecond,
			arrow.Microsecond: parquet.Microsecond, arrow.Nanosecond: parquet.Nanosecond}[dt.(*arrow.TimestampType).Unit]
		if tt := dt.(*arrow.TimestampType); unit != nil {
			return parquet.TimestampAdjusted(unit, tt.TimeZone != ""), nil
		}
	}
	return nil, fmt.Errorf("%w: cannot keep a %s column", ingest.ErrUnsupported, dt)
}

// keptValue is row i of a kept column (not null), typed like parquetNode.
func keptValue(arr arrow.Array, i int) parquet.Value {
	switch a := arr.(type) {
	case *array.Int8:
		return parquet.Int64Value(int64(a.Value(i)))
	case *array.Int16:
		return parquet.Int64Value(int64(a.Value(i)))
	case *array.Int32:
		return parquet.Int64Value(int64(a.Value(i)))
	case *array.Int64:
		return parquet.Int64Value(a.Value(i))
	case *array.Uint8:
		return parquet.Int64Value(int64(a.Value(i)))
	case *array.Uint16:
		return parquet.Int64Value(int64(a.Value(i)))
	case *array.Uint32:
		return parquet.Int64Value(int64(a.Value(i)))
	case *array.Float32:
		return parquet.FloatValue(a.Value(i))
	case *array.Float64:
		return parquet.DoubleValue(a.Value(i))
	case *array.Boolean:
		return parquet.BooleanValue(a.Value(i))
	case *array.Timestamp:
		return parquet.Int64Value(int64(a.Value(i)))
	case *array.Dictionary:
		return keptValue(a.Dictionary(), a.GetValueIndex(i))
	}
	return parquet.ByteArrayValue([]byte(arr.ValueStr(i)))
}
