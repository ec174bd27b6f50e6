package serve

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/score"
)

// arrowStream is the media type of Arrow IPC stream bodies.
const arrowStream = "application/vnd.apache.arrow.stream"

// arrowBatches reads an Arrow IPC stream and calls fn with each batch,
// after checking it against the model's inputs; fn must not keep the
// record. A malformed stream is a badRequest; so is a panic of the
// decoder, recovered here (the one recover point of this input).
func arrowBatches(body []byte, sc *score.Scorer, maxRows int, fn func(arrow.Record) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = badf("malformed Arrow IPC stream: %v", r)
		}
	}()
	alloc := &limitedAllocator{left: 4*len(body) + 1<<20}
	rd, err := ipc.NewReaderFromMessageReader(&sliceMessages{b: body}, ipc.WithAllocator(alloc))
	if err != nil {
		return badf("malformed Arrow IPC stream: %v", err)
	}
	defer rd.Release()
	if err := checkArrowSchema(rd.Schema(), sc); err != nil {
		return err
	}
	rows := 0
	for rd.Next() {
		rec := rd.Record()
		if rows += int(rec.NumRows()); rows > maxRows {
			return badf("batch too large: more than %d rows, the limit is %d", rows-1, maxRows)
		}
		if err := checkArrowValues(rec, sc); err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := rd.Err(); err != nil && err != io.EOF {
		return badf("malformed Arrow IPC stream: %v", err)
	}
	return nil
}

// limitedAllocator refuses, by panicking (recovered in arrowBatches),
// allocations beyond a budget: a hostile stream's lengths cannot make the
// decoder allocate more than a few times the body. Freed memory is not
// returned to the budget. It belongs to one request.
type limitedAllocator struct {
	left int
}

func (a *limitedAllocator) take(n int) {
	if n < 0 || n > a.left {
		panic(fmt.Sprintf("the stream asks for %d bytes, more than its body can hold", n))
	}
	a.left -= n
}

func (a *limitedAllocator) Allocate(n int) []byte {
	a.take(n)
	return memory.DefaultAllocator.Allocate(n)
}

func (a *limitedAllocator) Reallocate(n int, b []byte) []byte {
	if n > len(b) {
		a.take(n - len(b))
	}
	return memory.DefaultAllocator.Reallocate(n, b)
}

func (a *limitedAllocator) Free(b []byte) { memory.DefaultAllocator.Free(b) }

// checkArrowSchema checks that every model input is a column of a type
// its kind reads.
func checkArrowSchema(s *arrow.Schema, sc *score.Scorer) error {
	for _, c := range sc.Columns() {
		idx := s.FieldIndices(c.Name)
		if len(idx) == 0 {
			return badf("column %q: missing (the model reads %s)", c.Name, strings.Join(sc.Inputs(), ", "))
		}
		if len(idx) > 1 {
			return badf("column %q: given %d times", c.Name, len(idx))
		}
		if want := arrowTypeFits(&c, s.Field(idx[0]).Type); want != "" {
			return badf("column %q: wrong type: %s, but the model reads it as %s: send %s", c.Name, s.Field(idx[0]).Type, c.Kind, want)
		}
	}
	return nil
}

// arrowTypeFits is "" when dt fits c, else what to send instead.
func arrowTypeFits(c *model.Column, dt arrow.DataType) string {
	switch c.Kind {
	case model.KindNumeric:
		if arrow.IsInteger(dt.ID()) || arrow.IsFloating(dt.ID()) || dt.ID() == arrow.DECIMAL128 {
			return ""
		}
		return "a number type"
	case model.KindCategorical:
		switch dt.ID() {
		case arrow.STRING, arrow.LARGE_STRING, arrow.BOOL:
			return ""
		case arrow.DICTIONARY:
			if v := dt.(*arrow.DictionaryType).ValueType.ID(); v == arrow.STRING || v == arrow.LARGE_STRING {
				return ""
			}
		}
		return "utf8, large_utf8, dictionary<utf8> or bool"
	case model.KindTime:
		if tt, ok := dt.(*arrow.TimestampType); ok && tt.TimeZone == c.Zone {
			return ""
		}
		return fmt.Sprintf("timestamp with zone %q", c.Zone)
	case model.KindDate:
		if dt.ID() == arrow.DATE32 || dt.ID() == arrow.DATE64 {
			return ""
		}
		return "date32 or date64"
	}
	return "a known column kind"
}

// checkArrowValues refuses NaN and infinities in numeric columns: a
// missing value is a null.
func checkArrowValues(rec arrow.Record, sc *score.Scorer) error {
	for _, name := range sc.Inputs() {
		arr := rec.Column(rec.Schema().FieldIndices(name)[0])
		var bad func(i int) (float64, bool)
		switch a := arr.(type) {
		case *array.Float64:
			bad = func(i int) (float64, bool) { v := a.Value(i); return v, math.IsNaN(v) || math.IsInf(v, 0) }
		case *array.Float32:
			bad = func(i int) (float64, bool) { v := float64(a.Value(i)); return v, math.IsNaN(v) || math.IsInf(v, 0) }
		default:
			continue
		}
		for i := range arr.Len() {
			if v, isBad := bad(i); isBad && arr.IsValid(i) {
				return badf("column %q: row %d: %v is not allowed: send null for a missing value", name, i, v)
			}
		}
	}
	return nil
}

// arrowOutput is the schema of the predictions of m, as `refit predict`
// writes them: binary "prediction" (P(Labels[1])) and "label";
// multiclass "label" and "prob_<class>"; regression "prediction".
func arrowOutput(m *model.Model) *arrow.Schema {
	f32 := arrow.PrimitiveTypes.Float32
	switch m.Task() {
	case model.TaskRegression:
		return arrow.NewSchema([]arrow.Field{{Name: "prediction", Type: f32}}, nil)
	case model.TaskBinary:
		return arrow.NewSchema([]arrow.Field{{Name: "prediction", Type: f32}, {Name: "label", Type: arrow.BinaryTypes.String}}, nil)
	}
	fields := []arrow.Field{{Name: "label", Type: arrow.BinaryTypes.String}}
	for _, l := range m.Labels() {
		fields = append(fields, arrow.Field{Name: "prob_" + l, Type: f32})
	}
	return arrow.NewSchema(fields, nil)
}

// writeArrowResult writes one batch of predictions to w. The columns are
// built over res's memory without a builder; w.Write serializes them
// before it returns, so res may be reused after.
func writeArrowResult(w *ipc.Writer, schema *arrow.Schema, res *score.Result) error {
	k, n := res.Width, res.Rows
	cols := make([]arrow.Array, len(schema.Fields()))
	for i, f := range schema.Fields() {
		if f.Type.ID() == arrow.STRING {
			cols[i] = stringColumn(res.Labels[:n])
			continue
		}
		vals := res.Values[:n]
		if k > 1 { // column j of the row-major probabilities, after "label"
			vals = make([]float32, n)
			for r := range n {
				vals[r] = res.Values[r*k+i-1]
			}
		}
		data := array.NewData(arrow.PrimitiveTypes.Float32, n,
			[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Float32Traits.CastToBytes(vals))}, nil, 0, 0)
		cols[i] = array.NewFloat32Data(data)
		data.Release()
	}
	rec := array.NewRecord(schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	return w.Write(rec)
}

// stringColumn is a utf8 array of ss, built directly.
func stringColumn(ss []string) arrow.Array {
	size := 0
	for _, s := range ss {
		size += len(s)
	}
	offsets := make([]int32, len(ss)+1)
	bytes := make([]byte, 0, size)
	for i, s := range ss {
		bytes = append(bytes, s...)
		offsets[i+1] = int32(len(bytes))
	}
	data := array.NewData(arrow.BinaryTypes.String, len(ss), []*memory.Buffer{nil,
		memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets)), memory.NewBufferBytes(bytes)}, nil, 0, 0)
	defer data.Release()
	return array.NewStringData(data)
}
