package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/score"
)

// inferRequest is the body of POST /v2/models/{name}/infer (Open
// Inference Protocol, REST).
type inferRequest struct {
	ID      string        `json:"id,omitempty"`
	Inputs  []inferTensor `json:"inputs"`
	Outputs []struct {
		Name string `json:"name"`
	} `json:"outputs,omitempty"`
	Parameters map[string]any `json:"parameters,omitempty"`
}

// inferTensor is one input: a column of the model, by name.
type inferTensor struct {
	Name       string          `json:"name"`
	Shape      []int64         `json:"shape"`
	Datatype   string          `json:"datatype"`
	Data       json.RawMessage `json:"data"`
	Parameters map[string]any  `json:"parameters,omitempty"`
}

// badRequest is a client error; its message names the column and the
// problem.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badf(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// numericTypes are the datatypes a numeric column takes.
var numericTypes = []string{"FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64"}

// decodeInfer parses a JSON request into a record with the model's input
// columns, in its input order; the caller releases it.
func decodeInfer(body []byte, sc *score.Scorer, maxRows int) (*inferRequest, arrow.Record, error) {
	var req inferRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return nil, nil, badf("malformed JSON request: %v", err)
	}
	byName := make(map[string]*inferTensor, len(req.Inputs))
	for i := range req.Inputs {
		in := &req.Inputs[i]
		if _, dup := byName[in.Name]; dup {
			return nil, nil, badf("input %q: given twice", in.Name)
		}
		byName[in.Name] = in
	}
	cols := sc.Columns()
	rows := -1
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	for i := range cols {
		c := &cols[i]
		in := byName[c.Name]
		if in == nil {
			return nil, nil, badf("input %q: missing (the model reads %s)", c.Name, strings.Join(sc.Inputs(), ", "))
		}
		n, err := tensorRows(in, maxRows)
		if err != nil {
			return nil, nil, err
		}
		if rows >= 0 && n != rows {
			return nil, nil, badf("input %q: %d rows, but input %q has %d", c.Name, n, cols[0].Name, rows)
		}
		rows = n
		if arrs[i], err = columnArray(c, in, n); err != nil {
			return nil, nil, err
		}
		fields[i] = arrow.Field{Name: c.Name, Type: arrs[i].DataType(), Nullable: true}
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(max(rows, 0)))
	return &req, rec, nil
}

// tensorRows checks an input's shape ([N] or [N, 1]) against the batch
// limit and returns N.
func tensorRows(in *inferTensor, maxRows int) (int, error) {
	if len(in.Shape) == 0 || len(in.Shape) > 2 || (len(in.Shape) == 2 && in.Shape[1] != 1) || in.Shape[0] < 0 {
		return 0, badf("input %q: shape %v: want [N] or [N, 1], one value per row", in.Name, in.Shape)
	}
	if in.Shape[0] > int64(maxRows) {
		return 0, badf("input %q: batch too large: %d rows, the limit is %d", in.Name, in.Shape[0], maxRows)
	}
	return int(in.Shape[0]), nil
}

// values splits an input's data into one value per row: a flat array,
// or an array of one-element arrays (row-major [N, 1]). null is a
// missing value.
func values(in *inferTensor, n int) ([]value, error) {
	vals, err := scanValues(in.Data, make([]value, 0, n))
	if err != nil {
		return nil, badf("input %q: %v", in.Name, err)
	}
	if len(vals) != n {
		return nil, badf("input %q: shape says %d rows, data has %d values", in.Name, n, len(vals))
	}
	return vals, nil
}

// columnArray builds the arrow array of one model column from its input.
func columnArray(c *model.Column, in *inferTensor, n int) (arrow.Array, error) {
	vals, err := values(in, n)
	if err != nil {
		return nil, err
	}
	switch c.Kind {
	case model.KindNumeric:
		return numericArray(c, in, vals)
	case model.KindCategorical:
		return stringArray(c, in, vals)
	case model.KindTime:
		return timeArray(c, in, vals)
	case model.KindDate:
		return dateArray(c, in, vals)
	}
	return nil, badf("input %q: the model's column kind %q is unknown", c.Name, c.Kind)
}

func wrongType(c *model.Column, in *inferTensor, want string) error {
	return badf("input %q: wrong type: datatype %q, but the model reads it as %s: send %s", c.Name, in.Datatype, c.Kind, want)
}

func numericArray(c *model.Column, in *inferTensor, vals []value) (arrow.Array, error) {
	if !slices.Contains(numericTypes, in.Datatype) {
		return nil, wrongType(c, in, "FP64, FP32 or INT*")
	}
	b := array.NewFloat64Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(vals))
	for i, v := range vals {
		switch v.kind {
		case '0':
			b.AppendNull()
		case 'n':
			f, err := strconv.ParseFloat(string(v.raw), 64)
			if err != nil || math.IsInf(f, 0) {
				return nil, badf("input %q: row %d: %s is out of range", c.Name, i, v)
			}
			b.Append(f)
		case 's':
			if f, err := strconv.ParseFloat(v.str(), 64); err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
				return nil, badf("input %q: row %d: %s is not allowed: send null for a missing value", c.Name, i, v.str())
			}
			return nil, badf("input %q: row %d: wrong type: %s is not a number", c.Name, i, v)
		default:
			return nil, badf("input %q: row %d: wrong type: %s is not a number", c.Name, i, v)
		}
	}
	return b.NewArray(), nil
}

func stringArray(c *model.Column, in *inferTensor, vals []value) (arrow.Array, error) {
	if in.Datatype != "BYTES" && in.Datatype != "BOOL" {
		return nil, wrongType(c, in, "BYTES (or BOOL)")
	}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(vals))
	for i, v := range vals {
		switch {
		case v.kind == '0':
			b.AppendNull()
		case v.kind == 's' && in.Datatype == "BYTES", v.kind == 'b' && in.Datatype == "BOOL":
			if v.kind == 's' {
				b.Append(v.str())
			} else {
				b.Append(string(v.raw))
			}
		default:
			return nil, badf("input %q: row %d: wrong type: %s in a %s input", c.Name, i, v, in.Datatype)
		}
	}
	return b.NewArray(), nil
}

// timeLayouts are the string forms a timestamp input takes.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"}

func timeArray(c *model.Column, in *inferTensor, vals []value) (arrow.Array, error) {
	if in.Datatype != "INT64" && in.Datatype != "BYTES" {
		return nil, wrongType(c, in, "INT64 microseconds since the epoch or BYTES (RFC 3339)")
	}
	b := array.NewTimestampBuilder(memory.DefaultAllocator, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: c.Zone})
	defer b.Release()
	b.Reserve(len(vals))
	for i, v := range vals {
		if v.kind == '0' {
			b.AppendNull()
			continue
		}
		us, err := micros(c, in, v)
		if err != nil {
			return nil, badf("input %q: row %d: %v", c.Name, i, err)
		}
		b.Append(arrow.Timestamp(us))
	}
	return b.NewArray(), nil
}

// micros reads one timestamp: microseconds since the epoch, or a string
// whose wall clock a naive column takes as written.
func micros(c *model.Column, in *inferTensor, v value) (int64, error) {
	switch {
	case v.kind == 'n' && in.Datatype == "INT64":
		us, err := strconv.ParseInt(string(v.raw), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("wrong type: %s is not an integer of microseconds", v)
		}
		return us, nil
	case v.kind == 's' && in.Datatype == "BYTES":
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, v.str()); err == nil {
				if c.Zone == "" { // naive: the wall clock as written
					t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
				}
				return t.UnixMicro(), nil
			}
		}
		return 0, fmt.Errorf("%s is not a timestamp (want RFC 3339, e.g. 2001-06-01T14:30:00)", v)
	}
	return 0, fmt.Errorf("wrong type: %s in a %s input", v, in.Datatype)
}

func dateArray(c *model.Column, in *inferTensor, vals []value) (arrow.Array, error) {
	if in.Datatype != "INT32" && in.Datatype != "BYTES" {
		return nil, wrongType(c, in, "INT32 days since the epoch or BYTES (2001-06-01)")
	}
	b := array.NewDate32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(len(vals))
	for i, v := range vals {
		switch {
		case v.kind == '0':
			b.AppendNull()
		case v.kind == 'n' && in.Datatype == "INT32":
			d, err := strconv.ParseInt(string(v.raw), 10, 32)
			if err != nil {
				return nil, badf("input %q: row %d: wrong type: %s is not an INT32 day number", c.Name, i, v)
			}
			b.Append(arrow.Date32(d))
		case v.kind == 's' && in.Datatype == "BYTES":
			t, err := time.Parse("2006-01-02", v.str())
			if err != nil {
				return nil, badf("input %q: row %d: %s is not a date (want 2001-06-01)", c.Name, i, v)
			}
			b.Append(arrow.Date32FromTime(t))
		default:
			return nil, badf("input %q: row %d: wrong type: %s in a %s input", c.Name, i, v, in.Datatype)
		}
	}
	return b.NewArray(), nil
}

// outputNames are the outputs a model gives, as its ONNX export names
// them: classifiers "probabilities" [N, classes] (binary: 1−p, p) and
// "label" [N]; regression "prediction" [N].
func outputNames(m *model.Model) []string {
	if m.Task() == model.TaskRegression {
		return []string{"prediction"}
	}
	return []string{"probabilities", "label"}
}

// appendInferResponse writes the JSON response for res.
func appendInferResponse(b []byte, name, id string, s *score.Scorer, res *score.Result, want []string) []byte {
	m := s.Model()
	b = append(b, `{"model_name":`...)
	b = strconv.AppendQuote(b, name)
	b = append(b, `,"model_version":`...)
	b = strconv.AppendQuote(b, s.Source().Version)
	if id != "" {
		b = append(b, `,"id":`...)
		b = strconv.AppendQuote(b, id)
	}
	b = append(b, `,"outputs":[`...)
	first := true
	for _, out := range outputNames(m) {
		if len(want) > 0 && !slices.Contains(want, out) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendOutput(b, out, m, res)
	}
	return append(b, "]}\n"...)
}

func appendOutput(b []byte, out string, m *model.Model, res *score.Result) []byte {
	b = append(b, `{"name":"`...)
	b = append(b, out...)
	switch out {
	case "label":
		b = append(b, `","datatype":"BYTES","shape":[`...)
		b = strconv.AppendInt(b, int64(res.Rows), 10)
		b = append(b, `],"data":[`...)
		for i, l := range res.Labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, l)
		}
		return append(b, "]}"...)
	case "prediction":
		b = append(b, `","datatype":"FP32","shape":[`...)
		b = strconv.AppendInt(b, int64(res.Rows), 10)
		b = append(b, `],"data":[`...)
		return append(appendFloats(b, res.Values[:res.Rows]), "]}"...)
	}
	k := len(m.Labels())
	b = append(b, `","datatype":"FP32","shape":[`...)
	b = strconv.AppendInt(b, int64(res.Rows), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(k), 10)
	b = append(b, `],"data":[`...)
	if m.Task() == model.TaskBinary {
		for i, p := range res.Values[:res.Rows] {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFloats(b, []float32{1 - p, p})
		}
	} else {
		b = appendFloats(b, res.Values[:res.Rows*k])
	}
	return append(b, "]}"...)
}

func appendFloats(b []byte, vs []float32) []byte {
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, float64(v), 'g', -1, 32)
	}
	return b
}
