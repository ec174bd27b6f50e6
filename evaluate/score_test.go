package evaluate

import (
	"context"
	"iter"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
)

// scoreRecord has n rows: dist = i (null every 10th row), origin cycling
// through A, B, C, and late = dist > n/2.
func scoreRecord(t testing.TB, n int) arrow.Record {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "dist", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "origin", Type: arrow.BinaryTypes.String},
		{Name: "late", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range n {
		if i%10 == 9 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Float64Builder).Append(float64(i))
		}
		b.Field(1).(*array.StringBuilder).Append(string(rune('A' + i%3)))
		b.Field(2).(*array.BooleanBuilder).Append(i > n/2)
	}
	return b.NewRecord()
}

// scoreModel is a logistic model on dist and origin with the given weight
// on standardized dist; the label is recorded in its lineage.
func scoreModel(t testing.TB, rec arrow.Record, w float32) *model.Model {
	t.Helper()
	pre, err := model.Fit([]string{"dist", "origin"}, model.FitConfig{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	ws := make([]float32, pre.NumFeatures())
	ws[0] = w
	d, err := model.NewDense(pre.NumFeatures(), 1, ws, []float32{0}, model.Sigmoid)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.New(model.Spec{Task: model.TaskBinary, Labels: []string{"false", "true"},
		Lineage: map[string]string{LineageLabel: "late"}}, pre, []model.Layer{d})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// records yields rec in parts of size part.
func records(rec arrow.Record, part int) iter.Seq2[arrow.Record, error] {
	return func(yield func(arrow.Record, error) bool) {
		for lo := int64(0); lo < rec.NumRows(); lo += int64(part) {
			s := rec.NewSlice(lo, min(lo+int64(part), rec.NumRows()))
			ok := yield(s, nil)
			s.Release()
			if !ok {
				return
			}
		}
	}
}

func TestScore(t *testing.T) {
	rec := scoreRecord(t, 200)
	defer rec.Release()
	good, bad := scoreModel(t, rec, 3), scoreModel(t, rec, -3)
	sc, err := Score(context.Background(), []*model.Model{good, bad}, rec.Schema(), records(rec, 64),
		ScoreOptions{Where: "origin != \"C\"", Slices: []SliceExpr{{"far", "dist > 150"}}, SampleRows: 50})
	if err != nil {
		t.Fatal(err)
	}
	// Rows with origin C are dropped: 134 of 200 remain.
	if sc.Rows != 134 || len(sc.Labels[0]) != 134 || len(sc.Preds[1]) != 134 || sc.Label != "late" {
		t.Fatalf("rows %d, labels %d, preds %d, label %q", sc.Rows, len(sc.Labels[0]), len(sc.Preds[1]), sc.Label)
	}
	if sc.SampleRows != 50 || len(sc.Samples[0]) != 50*good.Preprocessor().NumFeatures() {
		t.Fatalf("sample rows %d, %d values", sc.SampleRows, len(sc.Samples[0]))
	}
	// The sample record holds the same rows (over two 64-row batches).
	if sc.SampleRecord == nil || sc.SampleRecord.NumRows() != 50 {
		t.Fatalf("sample record %v", sc.SampleRecord)
	}
	if x, err := good.Preprocessor().Transform(sc.SampleRecord, nil); err != nil || !slices.Equal(x, sc.Samples[0]) {
		t.Fatalf("sample record's features differ from the samples (%v)", err)
	}
	counts := map[string]int{}
	for _, s := range sc.Slices {
		counts[s.Name] = len(s.Rows)
	}
	// Counted by hand: far = dist 151..199 without C rows and nulls.
	want := map[string]int{"far": 29, "origin=A": 67, "origin=B": 67, "dist<p1": 1, "dist>p99": 1, NullSlice: 14}
	for name, n := range want {
		if counts[name] != n {
			t.Errorf("slice %s: %d rows, want %d (all: %v)", name, counts[name], n, counts)
		}
	}
	res, err := EvaluateModels(context.Background(), sc, []*model.Model{good, bad}, []string{"good", "bad"},
		[]string{"", ""}, ModelOptions{Cost: CostOptions{Budget: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if !(res[0].Metrics[AUC] > 0.9 && res[1].Metrics[AUC] < 0.1) {
		t.Errorf("auc good %v, bad %v", res[0].Metrics[AUC], res[1].Metrics[AUC])
	}
	if c := res[0].Cost; !(c.EndToEndRowsPerSec > 0 && c.RowsPerSec > 0 && c.TensorBytes > 0) {
		t.Errorf("cost %+v: want end-to-end throughput and tensor bytes", c)
	}
	if s, ok := res[0].Slice("far"); !ok || s.Rows != 29 {
		t.Errorf("far slice %+v", s)
	}
}

func TestScoreErrors(t *testing.T) {
	rec := scoreRecord(t, 20)
	defer rec.Release()
	m := scoreModel(t, rec, 1)
	for name, opts := range map[string]ScoreOptions{
		"label not bool or class": {Label: "dist"},
		"where not bool":          {Where: "dist + 1"},
		"bad slice":               {Slices: []SliceExpr{{"x", "nope > 1"}}},
		"repeated slice":          {Slices: []SliceExpr{{"x", "dist > 1"}, {"x", "dist > 2"}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Score(context.Background(), []*model.Model{m}, rec.Schema(), records(rec, 8), opts)
			if err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func TestMeasureCost(t *testing.T) {
	rec := scoreRecord(t, 100)
	defer rec.Release()
	m := scoreModel(t, rec, 1)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	x, err := m.Preprocessor().Transform(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := MeasureCost(context.Background(), m, path, x, 100, CostOptions{Budget: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	nf := int64(m.Preprocessor().NumFeatures())
	if c.Bytes <= 0 || c.Params != nf+1 || c.Nonzeros != 1 {
		t.Errorf("size: %+v", c)
	}
	// One float32 layer: nf weights and a bias, 4 bytes each; the rest of
	// the file is its length and JSON header.
	if c.TensorBytes != 4*(nf+1) || c.TensorBytes >= c.Bytes {
		t.Errorf("tensor bytes %d of %d, want %d", c.TensorBytes, c.Bytes, 4*(nf+1))
	}
	if c.EndToEndRowsPerSec != 0 {
		t.Errorf("end-to-end throughput %v without a record", c.EndToEndRowsPerSec)
	}
	if !(c.LatencyP50Us > 0 && c.LatencyP99Us >= c.LatencyP50Us && c.RowsPerSec > 0) || math.IsInf(c.RowsPerSec, 0) {
		t.Errorf("timing: %+v", c)
	}
	if _, err := MeasureCost(context.Background(), m, path, x[:3], 100, CostOptions{}); err == nil {
		t.Error("short features: no error")
	}
}

func TestDefaultPolicyCostGates(t *testing.T) {
	for _, task := range []Task{TaskBinary, TaskMulticlass, TaskRegression} {
		if err := DefaultPolicy(task).Validate(); err != nil {
			t.Errorf("%s: %v", task, err)
		}
	}
	champ := Result{Task: TaskBinary, Metrics: map[string]float64{AUC: 0.80},
		Cost: Cost{Bytes: 1000, LatencyP99Us: 10}}
	cand := Result{Task: TaskBinary, Metrics: map[string]float64{AUC: 0.799},
		Cost: Cost{Bytes: 1300, LatencyP99Us: 11}}
	v := DefaultPolicy(TaskBinary).Check(cand, &champ, nil)
	var failed []string
	for _, c := range v.Failed() {
		failed = append(failed, c.Gate)
	}
	// bytes rose 30% > 20%; latency rose 10%; auc dropped 0.001.
	if v.Pass || !slices.Equal(failed, []string{"{metric: bytes, max_rise_vs_champion_pct: 20}"}) {
		t.Errorf("failed %q", failed)
	}
	cand.Cost.LatencyP99Us = 0 // not measured: fails
	if v := DefaultPolicy(TaskBinary).Check(cand, &champ, nil); len(v.Failed()) != 2 {
		t.Errorf("unmeasured latency: %+v", v.Failed())
	}
}

func TestParseSliceExprs(t *testing.T) {
	got, err := ParseSliceExprs(`hub=origin in ["A", "B"], far = dist > 1.5,q=origin == "x,y"`)
	if err != nil {
		t.Fatal(err)
	}
	want := []SliceExpr{{"hub", `origin in ["A", "B"]`}, {"far", "dist > 1.5"}, {"q", `origin == "x,y"`}}
	if !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
	for _, bad := range []string{"dist > 1", "a==b", "=x"} {
		if _, err := ParseSliceExprs(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
