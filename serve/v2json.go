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
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
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

// decodeStd parses a JSON request with encoding/json. It is the
// definition of what a body means: parseFast agrees with it on every
// body it takes, and decodeInfer uses it for the others (so their error
// messages are encoding/json's).
func decodeStd(body []byte, r *rawRequest) error {
	var req inferRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return badf("malformed JSON request: %v", err)
	}
	r.reset()
	r.id = []byte(req.ID)
	for _, in := range req.Inputs {
		r.inputs = append(r.inputs, rawTensor{name: []byte(in.Name), datatype: []byte(in.Datatype), shape: in.Shape, data: in.Data})
	}
	for _, o := range req.Outputs {
		r.outputs = append(r.outputs, []byte(o.Name))
	}
	return nil
}

// decodeInfer parses a JSON request into d: its input columns, in the
// model's input order, as the record it returns. The record and the
// request's byte slices point into body and into d's buffers: they are
// valid until d is put back.
func (d *decoder) decodeInfer(body []byte, sc *score.Scorer, maxRows int) (arrow.Record, error) {
	if !parseFast(body, &d.req) {
		if err := decodeStd(body, &d.req); err != nil {
			return nil, err
		}
	}
	return d.columns(sc, maxRows)
}

// columns checks the request's inputs against the model's columns and
// builds them.
func (d *decoder) columns(sc *score.Scorer, maxRows int) (arrow.Record, error) {
	req := &d.req
	if err := checkDuplicates(req.inputs); err != nil {
		return nil, err
	}
	cols := sc.Columns()
	schema := sc.InputSchema()
	d.grow(len(cols))
	rows := -1
	for i := range cols {
		c := &cols[i]
		in := findInput(req.inputs, c.Name)
		if in == nil {
			return nil, badf("input %q: missing (the model reads %s)", c.Name, strings.Join(sc.Inputs(), ", "))
		}
		n, err := tensorRows(in, maxRows)
		if err != nil {
			return nil, err
		}
		if rows >= 0 && n != rows {
			return nil, badf("input %q: %d rows, but input %q has %d", c.Name, n, cols[0].Name, rows)
		}
		rows = n
		if d.arrs[i], err = d.column(c, in, n, schema.Field(i).Type, &d.bufs[i]); err != nil {
			return nil, err
		}
	}
	d.rec = colRecord{schema: schema, cols: d.arrs[:len(cols)], rows: int64(max(rows, 0))}
	return &d.rec, nil
}

// checkDuplicates refuses an input given twice.
func checkDuplicates(inputs []rawTensor) error {
	if len(inputs) <= 16 {
		for i := range inputs {
			for j := range i {
				if bytes.Equal(inputs[i].name, inputs[j].name) {
					return badf("input %q: given twice", inputs[i].name)
				}
			}
		}
		return nil
	}
	seen := make(map[string]bool, len(inputs))
	for i := range inputs {
		if seen[string(inputs[i].name)] {
			return badf("input %q: given twice", inputs[i].name)
		}
		seen[string(inputs[i].name)] = true
	}
	return nil
}

func findInput(inputs []rawTensor, name string) *rawTensor {
	for i := range inputs {
		if string(inputs[i].name) == name {
			return &inputs[i]
		}
	}
	return nil
}

// tensorRows checks an input's shape ([N] or [N, 1]) against the batch
// limit and returns N.
func tensorRows(in *rawTensor, maxRows int) (int, error) {
	if len(in.shape) == 0 || len(in.shape) > 2 || (len(in.shape) == 2 && in.shape[1] != 1) || in.shape[0] < 0 {
		return 0, badf("input %q: shape %v: want [N] or [N, 1], one value per row", in.name, in.shape)
	}
	if in.shape[0] > int64(maxRows) {
		return 0, badf("input %q: batch too large: %d rows, the limit is %d", in.name, in.shape[0], maxRows)
	}
	return int(in.shape[0]), nil
}

// values splits an input's data into one value per row: a flat array,
// or an array of one-element arrays (row-major [N, 1]). null is a
// missing value.
func (d *decoder) values(in *rawTensor, n int) ([]value, error) {
	vals, count, err := scanValues(in.data, d.vals[:0], n)
	if err != nil {
		return nil, badf("input %q: %v", in.name, err)
	}
	d.vals = vals
	if count != n {
		return nil, badf("input %q: shape says %d rows, data has %d values", in.name, n, count)
	}
	return vals, nil
}

// column builds the arrow array of one model column from its input, in
// col's buffers.
func (d *decoder) column(c *model.Column, in *rawTensor, n int, typ arrow.DataType, col *colBuffers) (arrow.Array, error) {
	vals, err := d.values(in, n)
	if err != nil {
		return nil, err
	}
	col.reset()
	switch c.Kind {
	case model.KindNumeric:
		err = numericColumn(c, in, vals, col)
	case model.KindCategorical:
		err = categoryColumn(c, in, vals, col)
	case model.KindTime:
		err = timeColumn(c, in, vals, col)
	case model.KindDate:
		err = dateColumn(c, in, vals, col)
	default:
		err = badf("input %q: the model's column kind %q is unknown", c.Name, c.Kind)
	}
	if err != nil {
		return nil, err
	}
	return col.array(typ, n), nil
}

func wrongType(c *model.Column, in *rawTensor, want string) error {
	return badf("input %q: wrong type: datatype %q, but the model reads it as %s: send %s", c.Name, in.datatype, c.Kind, want)
}

// isNumericType reports whether a datatype is one a numeric column takes.
func isNumericType(dt []byte) bool {
	switch string(dt) {
	case "FP16", "FP32", "FP64", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64":
		return true
	}
	return false
}

func numericColumn(c *model.Column, in *rawTensor, vals []value, col *colBuffers) error {
	if !isNumericType(in.datatype) {
		return wrongType(c, in, "FP64, FP32 or INT*")
	}
	for i, v := range vals {
		switch v.kind {
		case '0':
			col.null(i)
			col.f64 = append(col.f64, 0)
		case 'n':
			f, ok := parseFloat(v.raw)
			if !ok {
				var err error
				if f, err = strconv.ParseFloat(string(v.raw), 64); err != nil || math.IsInf(f, 0) {
					return badf("input %q: row %d: %s is out of range", c.Name, i, v)
				}
			}
			col.f64 = append(col.f64, f)
		case 's':
			if f, err := strconv.ParseFloat(v.str(), 64); err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
				return badf("input %q: row %d: %s is not allowed: send null for a missing value", c.Name, i, v.str())
			}
			return badf("input %q: row %d: wrong type: %s is not a number", c.Name, i, v)
		default:
			return badf("input %q: row %d: wrong type: %s is not a number", c.Name, i, v)
		}
	}
	return nil
}

func categoryColumn(c *model.Column, in *rawTensor, vals []value, col *colBuffers) error {
	isBytes, isBool := string(in.datatype) == "BYTES", string(in.datatype) == "BOOL"
	if !isBytes && !isBool {
		return wrongType(c, in, "BYTES (or BOOL)")
	}
	col.i32 = append(col.i32, 0)
	for i, v := range vals {
		switch {
		case v.kind == '0':
			col.null(i)
		case v.kind == 's' && isBytes:
			col.str = v.appendStr(col.str)
		case v.kind == 'b' && isBool:
			col.str = append(col.str, v.raw...)
		default:
			return badf("input %q: row %d: wrong type: %s in a %s input", c.Name, i, v, in.datatype)
		}
		if len(col.str) > math.MaxInt32 {
			return badf("input %q: row %d: too many bytes for one column", c.Name, i)
		}
		col.i32 = append(col.i32, int32(len(col.str)))
	}
	return nil
}

// timeLayouts are the string forms a timestamp input takes.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"}

func timeColumn(c *model.Column, in *rawTensor, vals []value, col *colBuffers) error {
	if string(in.datatype) != "INT64" && string(in.datatype) != "BYTES" {
		return wrongType(c, in, "INT64 microseconds since the epoch or BYTES (RFC 3339)")
	}
	for i, v := range vals {
		if v.kind == '0' {
			col.null(i)
			col.i64 = append(col.i64, 0)
			continue
		}
		us, err := micros(c, in, v)
		if err != nil {
			return badf("input %q: row %d: %v", c.Name, i, err)
		}
		col.i64 = append(col.i64, us)
	}
	return nil
}

// micros reads one timestamp: microseconds since the epoch, or a string
// whose wall clock a naive column takes as written.
func micros(c *model.Column, in *rawTensor, v value) (int64, error) {
	switch {
	case v.kind == 'n' && string(in.datatype) == "INT64":
		if us, ok := parseInt(v.raw); ok {
			return us, nil
		}
		us, err := strconv.ParseInt(string(v.raw), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("wrong type: %s is not an integer of microseconds", v)
		}
		return us, nil
	case v.kind == 's' && string(in.datatype) == "BYTES":
		if t, ok := parseCivil(v.raw[1:len(v.raw)-1], true); ok {
			return t.UnixMicro(), nil
		}
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
	return 0, fmt.Errorf("wrong type: %s in a %s input", v, in.datatype)
}

func dateColumn(c *model.Column, in *rawTensor, vals []value, col *colBuffers) error {
	isInt, isBytes := string(in.datatype) == "INT32", string(in.datatype) == "BYTES"
	if !isInt && !isBytes {
		return wrongType(c, in, "INT32 days since the epoch or BYTES (2001-06-01)")
	}
	for i, v := range vals {
		switch {
		case v.kind == '0':
			col.null(i)
			col.i32 = append(col.i32, 0)
		case v.kind == 'n' && isInt:
			d, ok := parseInt(v.raw)
			if !ok || d < math.MinInt32 || d > math.MaxInt32 {
				var err error
				if d, err = strconv.ParseInt(string(v.raw), 10, 32); err != nil {
					return badf("input %q: row %d: wrong type: %s is not an INT32 day number", c.Name, i, v)
				}
			}
			col.i32 = append(col.i32, int32(d))
		case v.kind == 's' && isBytes:
			t, ok := parseCivil(v.raw[1:len(v.raw)-1], false)
			if !ok {
				var err error
				if t, err = time.Parse("2006-01-02", v.str()); err != nil {
					return badf("input %q: row %d: %s is not a date (want 2001-06-01)", c.Name, i, v)
				}
			}
			col.i32 = append(col.i32, int32(arrow.Date32FromTime(t)))
		default:
			return badf("input %q: row %d: wrong type: %s in a %s input", c.Name, i, v, in.datatype)
		}
	}
	return nil
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
func appendInferResponse(b []byte, name string, id []byte, s *score.Scorer, res *score.Result, want [][]byte) []byte {
	m := s.Model()
	b = append(b, `{"model_name":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"model_version":`...)
	b = appendJSONString(b, s.Source().Version)
	if len(id) > 0 {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, id)
	}
	b = append(b, `,"outputs":[`...)
	first := true
	for _, out := range outputNames(m) {
		if len(want) > 0 && !slices.ContainsFunc(want, func(w []byte) bool { return string(w) == out }) {
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
			b = appendJSONString(b, l)
		}
		return append(b, "]}"...)
	case "prediction":
		b = append(b, `","datatype":"FP32","shape":[`...)
		b = strconv.AppendInt(b, int64(res.Rows), 10)
		b = append(b, `],"data":[`...)
		return append(appendFloats(b, res.Values[:res.Rows]), "]}"...)
	}
	k := res.Width // the classes: binary results hold p of the second
	if m.Task() == model.TaskBinary {
		k = 2
	}
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

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 as U+FFFD (as encoding/json
// writes it).
func appendJSONString[S string | []byte](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}
