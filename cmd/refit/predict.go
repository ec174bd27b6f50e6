package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/parquet-go/parquet-go"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/model"
	"github.com/spf13/cobra"
)

func newPredictCmd(c *cli) *cobra.Command {
	var modelPath, where, keep, out, workspace string
	var data []string
	cmd := &cobra.Command{
		Use:   "predict --model M --data D -o predictions.parquet",
		Short: "Score a dataset with a model and write the predictions as Parquet",
		Long: `predict scores the rows of --data that pass --where and writes a Parquet file
with the --keep columns and the predictions: binary, "prediction" (the
probability of the positive class) and "label" (at 0.5); multiclass, one
"prob_<class>" column per class and "label" (the most probable class);
regression, "prediction". Columns are stored in name order.

--model is a model file, which needs nothing beside it (its header carries
its checksum), or a version (v0003) or alias (champion) of the registry in
--workspace.`,
		Example: `  refit predict --model late.refit --data flights.parquet \
    --where 'month(date) == 3' --keep date,origin -o march.parquet
  refit predict --model champion --workspace ./refit-workspace --data new.parquet -o scores.parquet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if modelPath == "" || len(data) == 0 || out == "" {
				return fmt.Errorf("--model, --data and --output are required (see '%s --help')", cmd.CommandPath())
			}
			var cols []string
			if keep != "" {
				cols = strings.Split(keep, ",")
			}
			return runPredict(cmd, c, modelPath, workspace, data, where, cols, out)
		},
	}
	cmd.Flags().StringVar(&modelPath, "model", "", "model file, or a version or alias (champion) in --workspace")
	workspaceFlag(cmd, &workspace)
	cmd.Flags().StringSliceVar(&data, "data", nil, "dataset: files, directories or globs")
	cmd.Flags().StringVar(&where, "where", "", "score only rows where this expression is true")
	cmd.Flags().StringVar(&keep, "keep", "", "comma-separated columns to copy into the output (keys)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "Parquet file to write")
	return cmd
}

func runPredict(cmd *cobra.Command, c *cli, ref, workspace string, data []string, where string, keep []string, out string) error {
	ctx := cmd.Context()
	lm, err := loadModel(ctx, ref, workspace)
	if err != nil {
		return err
	}
	m := lm.m.WithThreads(runtime.GOMAXPROCS(0)) // large batches on every core
	ds, err := ingest.Open(ctx, data, c.ingestOptions())
	if err != nil {
		return err
	}
	src, err := exprSource(ds, where, "")
	if err != nil {
		return err
	}
	pw, err := newPredWriter(ds.Schema(), keep, m)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w := parquet.NewWriter(tmp, pw.schema, parquet.Compression(&parquet.Zstd))
	var pred []float32
	oor := m.Preprocessor().NewRangeCounter()
	for rec, err := range src(ctx) {
		if err != nil {
			return err
		}
		if pred, err = m.Predict(rec, pred); err != nil {
			return err
		}
		if err := oor.Add(rec); err != nil {
			return err
		}
		if err := pw.write(w, rec, pred); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	writeOutOfRange(cmd.ErrOrStderr(), oor.Counts())
	return nil
}

// predWriter turns records and predictions into Parquet rows.
type predWriter struct {
	schema *parquet.Schema
	cols   []outCol // in the schema's (name) order
	m      *model.Model
	pred   []float32 // the current batch's predictions
	cls    []int     // their argmax, for multiclass
	rows   []parquet.Row
}

// outCol is one output column: a kept input column (src ≥ 0) or a
// prediction column.
type outCol struct {
	name  string
	node  parquet.Node
	src   int                                         // record column, or -1
	value func(rec arrow.Record, i int) parquet.Value // prediction columns
}

func newPredWriter(s *arrow.Schema, keep []string, m *model.Model) (*predWriter, error) {
	pw := &predWriter{m: m}
	cols := pw.predictionCols()
	for _, name := range keep {
		idx := s.FieldIndices(name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("--keep %q: %w: not a column of the data", name, ingest.ErrInvalidInput)
		}
		if slices.ContainsFunc(cols, func(c outCol) bool { return c.name == name }) {
			return nil, fmt.Errorf("--keep %q: %w: duplicate or clashes with an output column", name, ingest.ErrInvalidInput)
		}
		node, err := parquetNode(s.Field(idx[0]).Type)
		if err != nil {
			return nil, fmt.Errorf("--keep %q: %w", name, err)
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
	p := func(rec arrow.Record, i int) parquet.Value { return parquet.FloatValue(pw.at(i, k, 0)) }
	switch pw.m.Task() {
	case model.TaskRegression:
		return []outCol{{name: "prediction", node: parquet.Leaf(parquet.FloatType), src: -1, value: p}}
	case model.TaskBinary:
		label := func(_ arrow.Record, i int) parquet.Value {
			return parquet.ByteArrayValue([]byte(labels[b2i(pw.at(i, 1, 0) >= 0.5)]))
		}
		return []outCol{{name: "prediction", node: parquet.Leaf(parquet.FloatType), src: -1, value: p},
			{name: "label", node: parquet.String(), src: -1, value: label}}
	}
	cols := []outCol{{name: "label", node: parquet.String(), src: -1, value: func(_ arrow.Record, i int) parquet.Value {
		return parquet.ByteArrayValue([]byte(labels[pw.cls[i]]))
	}}}
	for j, l := range labels {
		cols = append(cols, outCol{name: "prob_" + l, node: parquet.Leaf(parquet.FloatType), src: -1,
			value: func(_ arrow.Record, i int) parquet.Value { return parquet.FloatValue(pw.at(i, k, j)) }})
	}
	return cols
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// at is the current batch's prediction j of row i (k per row).
func (pw *predWriter) at(i, k, j int) float32 { return pw.pred[i*k+j] }

// write appends one batch's rows. parquet.Writer is deprecated in favour
// of GenericWriter, but the rows' schema is only known at run time.
//
//lint:ignore SA1019 the schema is dynamic
func (pw *predWriter) write(w *parquet.Writer, rec arrow.Record, pred []float32) error {
	pw.pred = pred
	if pw.m.Task() == model.TaskMulticlass {
		pw.cls = model.Argmax(pred, pw.m.OutputWidth(), pw.cls)
	}
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
		return col.value(rec, i).Level(0, 0, c)
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
