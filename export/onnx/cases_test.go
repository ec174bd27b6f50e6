package onnx

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
)

// TestWriteRuntimeCases writes exported models with inputs and refit's
// predictions for bench/peers/onnx/cases.js, which runs them on ONNX
// Runtime: REFIT_ONNX_CASES=DIR go test ./export/onnx -run RuntimeCases.
// Without the variable it only checks that the cases build.
func TestWriteRuntimeCases(t *testing.T) {
	dir := os.Getenv("REFIT_ONNX_CASES")
	rec := caseRecord(t, 1000, 11)
	defer rec.Release()
	for _, tc := range []struct {
		name string
		m    *model.Model
		tol  float64
	}{
		{"binary-f32", testModel(t, model.TaskBinary, 21), 1e-5},
		{"multiclass-f32", testModel(t, model.TaskMulticlass, 22), 1e-5},
		{"regression-f32", testModel(t, model.TaskRegression, 23), 1e-4},
		{"binary-int8-static", quantized(t, testModel(t, model.TaskBinary, 24), true), 0},
		{"binary-int8-dynamic", quantized(t, testModel(t, model.TaskBinary, 25), false), 0},
		{"multiclass-int8-dynamic", quantized(t, testModel(t, model.TaskMulticlass, 26), false), 0},
	} {
		f, err := Export(tc.m, testOptions)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		c, err := newRuntimeCase(tc.m, rec, tc.tol)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if dir == "" {
			continue
		}
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(dir, tc.name)
		if err := os.WriteFile(base+".onnx", f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(base+".json", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runtimeCase is one model's inputs and refit's outputs. Numbers are
// strings so that int64 and NaN survive JSON.
type runtimeCase struct {
	Rows   int          `json:"rows"`
	Inputs []caseColumn `json:"inputs"`
	// Expected is refit's Predict output, row-major; Labels the class
	// names refit predict would write.
	Expected []float32 `json:"expected"`
	Labels   []string  `json:"labels,omitempty"`
	// Tolerance is the largest difference allowed; 0 for int8 models,
	// whose check is one quantization step (cases.js reports it).
	Tolerance float64 `json:"tolerance"`
	Task      string  `json:"task"`
}

type caseColumn struct {
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Values []string `json:"values"`
}

func newRuntimeCase(m *model.Model, rec arrow.Record, tol float64) (*runtimeCase, error) {
	probs, err := m.Predict(rec, nil)
	if err != nil {
		return nil, err
	}
	c := &runtimeCase{Rows: int(rec.NumRows()), Expected: probs, Tolerance: tol, Task: string(m.Task())}
	labels := m.Labels()
	switch m.Task() {
	case model.TaskBinary:
		for _, p := range probs {
			c.Labels = append(c.Labels, labels[b2i(p >= 0.5)])
		}
	case model.TaskMulticlass:
		for _, k := range model.Argmax(probs, len(labels), nil) {
			c.Labels = append(c.Labels, labels[k])
		}
	}
	for i, f := range rec.Schema().Fields() {
		c.Inputs = append(c.Inputs, onnxValues(f, rec.Column(i)))
	}
	return c, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// onnxValues converts an arrow column to the exported model's input
// values, missing values as the package doc says.
func onnxValues(f arrow.Field, a arrow.Array) caseColumn {
	c := caseColumn{Name: f.Name, Values: make([]string, a.Len())}
	minInt := strconv.FormatInt(math.MinInt64, 10)
	for i := range c.Values {
		switch a := a.(type) {
		case *array.Float32:
			c.Type, c.Values[i] = "float", jsFloat(float64(a.Value(i)), a.IsNull(i))
		case *array.Int64:
			c.Type, c.Values[i] = "int64", strconv.FormatInt(a.Value(i), 10)
		case *array.String:
			c.Type, c.Values[i] = "string", a.Value(i)
		case *array.Timestamp:
			c.Type, c.Values[i] = "int64", strconv.FormatInt(int64(a.Value(i)), 10)
		case *array.Date32:
			c.Type, c.Values[i] = "int64", strconv.FormatInt(int64(a.Value(i)), 10)
		}
		if a.IsNull(i) && c.Type == "int64" {
			c.Values[i] = minInt
		}
	}
	return c
}

func jsFloat(v float64, null bool) string {
	switch {
	case null || math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(v, 'g', -1, 32)
}

// caseRecord makes rows of the testColumns inputs: nulls, NaN and ±Inf,
// rare and unseen categories, times before 1970 and after 2038, hours
// and weekdays training never had.
func caseRecord(t *testing.T, rows int, seed uint64) arrow.Record {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "distance", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "delay_prev", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "origin", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "date", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "local", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "+05:30"}, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "v1time", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.NewGoAllocator(), schema)
	defer b.Release()
	missing := func() bool { return rng.IntN(12) == 0 }
	origins := []string{"ATL", "ORD", "DFW", "ANC", "SFO", "ord", " ATL"}
	specials := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, -1e30, 1e30}
	for range rows {
		dist := b.Field(0).(*array.Float32Builder)
		switch {
		case missing():
			dist.AppendNull()
		case rng.IntN(20) == 0:
			dist.Append(specials[rng.IntN(len(specials))])
		default:
			dist.Append(float32(rng.Float64()*5000 + 0.123))
		}
		appendOr(missing(), b.Field(1).(*array.Int64Builder), int64(rng.IntN(400)-60))
		appendOr(missing(), b.Field(2).(*array.StringBuilder), origins[rng.IntN(len(origins))])
		for _, col := range []int{3, 4, 6} {
			// 1940 to 2060, every tenth on a whole hour
			us := int64(rng.Float64()*120*365.25*86400e6) - 30*365*86400e6
			if rng.IntN(10) == 0 {
				us -= us % 3600e6
			}
			appendOr(missing(), b.Field(col).(*array.TimestampBuilder), arrow.Timestamp(us))
		}
		appendOr(missing(), b.Field(5).(*array.Date32Builder), arrow.Date32(rng.IntN(40000)-10000))
	}
	return b.NewRecord()
}

func appendOr[T any](null bool, b interface {
	Append(T)
	AppendNull()
}, v T) {
	if null {
		b.AppendNull()
		return
	}
	b.Append(v)
}
