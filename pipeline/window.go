package pipeline

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/train"
)

// labelColumn is the column the label expression's values are added as.
const labelColumn = train.LabelColumn

// span is a half-open time range [from, to); a zero bound is open. Naive
// (zone-less) timestamps are compared as wall clocks in UTC.
type span struct{ from, to time.Time }

func (s span) String() string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "…"
		}
		return t.UTC().Format(time.RFC3339)
	}
	return "[" + f(s.from) + ", " + f(s.to) + ")"
}

// rows selects the rows of a span and, when label is set, adds the label
// column and drops rows whose label is null.
type rows struct {
	ds      *ingest.Dataset
	timeCol string
	span    span
	label   *colexpr.Program
}

// records yields the selected rows; each record is valid until the next
// iteration.
func (r rows) records(ctx context.Context) iter.Seq2[arrow.Record, error] {
	return func(yield func(arrow.Record, error) bool) {
		for rec, err := range r.ds.Records(ctx) {
			if err != nil {
				yield(nil, err)
				return
			}
			out, err := r.apply(rec)
			if err != nil {
				yield(nil, err)
				return
			}
			ok := out.NumRows() == 0 || yield(out, nil)
			out.Release()
			if !ok {
				return
			}
		}
	}
}

func (r rows) apply(rec arrow.Record) (arrow.Record, error) {
	mask, err := timeMask(rec, r.timeCol, r.span)
	if err != nil {
		return nil, err
	}
	defer mask.Release()
	if r.label == nil {
		return compute.FilterRecordBatch(context.Background(), rec, mask, compute.DefaultFilterOptions())
	}
	lab, err := r.label.Eval(rec)
	if err != nil {
		return nil, err
	}
	defer lab.Release()
	withLabel := appendColumn(rec, labelColumn, lab)
	defer withLabel.Release()
	// The filter drops rows where the mask is false or the label is null
	// (a null label makes the combined mask null).
	both, err := andNotNull(mask, lab)
	if err != nil {
		return nil, err
	}
	defer both.Release()
	return compute.FilterRecordBatch(context.Background(), withLabel, both, compute.DefaultFilterOptions())
}

func appendColumn(rec arrow.Record, name string, col arrow.Array) arrow.Record {
	fields := append(slices.Clone(rec.Schema().Fields()), arrow.Field{Name: name, Type: col.DataType(), Nullable: true})
	cols := append(slices.Clone(rec.Columns()), col)
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

// andNotNull is mask where lab is not null.
func andNotNull(mask *array.Boolean, lab arrow.Array) (*array.Boolean, error) {
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(mask.Len())
	for i := range mask.Len() {
		b.UnsafeAppend(mask.Value(i) && lab.IsValid(i))
	}
	return b.NewBooleanArray(), nil
}

// timeMask is true for rows whose time lies in s; rows with a null time
// are false.
func timeMask(rec arrow.Record, col string, s span) (*array.Boolean, error) {
	idx := rec.Schema().FieldIndices(col)
	if len(idx) == 0 {
		return nil, fmt.Errorf("no time column %q in the data", col)
	}
	vals, unit, err := timeValues(rec.Column(idx[0]))
	if err != nil {
		return nil, fmt.Errorf("time column %q: %w", col, err)
	}
	from, to := bound(s.from, unit, minInt), bound(s.to, unit, maxInt)
	arr := rec.Column(idx[0])
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(vals))
	for i, v := range vals {
		b.UnsafeAppend(arr.IsValid(i) && v >= from && v < to)
	}
	return b.NewBooleanArray(), nil
}

const (
	minInt = -1 << 63
	maxInt = 1<<63 - 1
)

func bound(t time.Time, unit time.Duration, open int64) int64 {
	if t.IsZero() {
		return open
	}
	return t.UnixNano() / int64(unit)
}

// timeValues returns a time column's values as integers of unit.
func timeValues(arr arrow.Array) ([]int64, time.Duration, error) {
	switch a := arr.(type) {
	case *array.Timestamp:
		vals := make([]int64, a.Len())
		for i, v := range a.TimestampValues() {
			vals[i] = int64(v)
		}
		return vals, a.DataType().(*arrow.TimestampType).Unit.Multiplier(), nil
	case *array.Date32:
		vals := make([]int64, a.Len())
		for i, v := range a.Date32Values() {
			vals[i] = int64(v)
		}
		return vals, 24 * time.Hour, nil
	}
	return nil, 0, fmt.Errorf("type %s is not a timestamp or date", arr.DataType())
}

// cutoff returns the time before which a fraction 1-holdout of the rows of
// s lie: the holdout is the most recent rows.
func cutoff(ctx context.Context, sources []string, timeCol, label string, s span, holdout float64, opts ingest.Options) (time.Time, int, error) {
	ds, prog, err := labelledTimes(ctx, sources, timeCol, label, opts)
	if err != nil {
		return time.Time{}, 0, err
	}
	var times []int64
	var unit time.Duration
	for rec, err := range (rows{ds: ds, timeCol: timeCol, span: s, label: prog}).records(ctx) {
		if err != nil {
			return time.Time{}, 0, err
		}
		var vals []int64
		if vals, unit, err = timeValues(rec.Column(rec.Schema().FieldIndices(timeCol)[0])); err != nil {
			return time.Time{}, 0, err
		}
		times = append(times, vals...)
	}
	if len(times) < 2 {
		return time.Time{}, len(times), nil
	}
	slices.Sort(times)
	k := int(float64(len(times)) * (1 - holdout))
	return time.Unix(0, times[k]*int64(unit)).UTC(), len(times), nil
}

// labelledTimes opens the time column and the label's columns, and
// compiles the label, so that cutoff counts only rows with a label: rows
// whose labels have not arrived (see monitor.estimate) are neither
// trained on nor held out, and must not move the cut. A label that does
// not compile on the sources (nil program) counts every row.
func labelledTimes(ctx context.Context, sources []string, timeCol, label string, opts ingest.Options) (*ingest.Dataset, *colexpr.Program, error) {
	all, err := ingest.Open(ctx, sources, opts)
	if err != nil {
		return nil, nil, err
	}
	opts.Columns = []string{timeCol}
	prog, err := colexpr.Compile(label, all.Schema())
	if label != "" && err == nil {
		for _, c := range prog.Columns() {
			if !slices.Contains(opts.Columns, c) {
				opts.Columns = append(opts.Columns, c)
			}
		}
	} else {
		prog = nil
	}
	ds, err := ingest.Open(ctx, sources, opts)
	if err != nil {
		return nil, nil, err
	}
	if prog != nil {
		if prog, err = colexpr.Compile(label, ds.Schema()); err != nil {
			prog = nil
		}
	}
	return ds, prog, nil
}
