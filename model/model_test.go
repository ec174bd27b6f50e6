package model

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// trainingRecord has a numeric column with nulls, a categorical one and a
// timestamp, rows long.
func trainingRecord(t testing.TB, rows int, seed uint64) arrow.Record {
	r := rand.New(rand.NewPCG(seed, 7))
	dist := make([]float64, rows)
	cats := make([]string, rows)
	ts := make([]int64, rows)
	var nulls []int
	for i := range rows {
		dist[i] = 100 + 2000*r.Float64()
		cats[i] = fmt.Sprintf("C%02d", int(r.ExpFloat64()*6)%40)
		ts[i] = friday + int64(r.IntN(90*86400))
		if i%17 == 3 {
			nulls = append(nulls, i)
		}
	}
	return newRecord(t,
		col{"distance", f64Arr(dist, nulls...)},
		col{"origin", strArr(cats, nulls...)},
		col{"date", tsArr(arrow.Second, "UTC", ts)})
}

// mlp returns dense layers of the given widths with seeded random weights;
// the last layer gets act.
func mlp(t testing.TB, seed uint64, act Activation, widths ...int) []Layer {
	r := rand.New(rand.NewPCG(seed, 11))
	var layers []Layer
	for i := 0; i+1 < len(widths); i++ {
		in, out := widths[i], widths[i+1]
		a := ReLU
		if i+2 == len(widths) {
			a = act
		}
		w := randVec(r, in*out)
		for j := range w {
			w[j] *= 0.3
		}
		d, err := NewDense(in, out, w, randVec(r, out), a)
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, d)
	}
	return layers
}

// testModel fits preprocessing on a training record and adds random layers.
func testModel(t testing.TB, task Task, hidden ...int) (*Model, arrow.Record) {
	rec := trainingRecord(t, 500, 1)
	pre, err := Fit([]string{"distance", "origin", "date"}, FitConfig{TopK: 8}, rec)
	if err != nil {
		t.Fatal(err)
	}
	spec := Spec{Task: task, Lineage: map[string]string{"dataset": "test", "created": "2026-11-24T00:00:00Z"}}
	act, out := Sigmoid, 1
	switch task {
	case TaskBinary:
		spec.Labels = []string{"on time", "late"}
	case TaskMulticlass:
		spec.Labels, act, out = []string{"a", "b", "c"}, Softmax, 3
	case TaskRegression:
		spec.TargetMean, spec.TargetStd, act = 12, 3, Identity
	}
	widths := append(append([]int{pre.NumFeatures()}, hidden...), out)
	m, err := New(spec, pre, mlp(t, 3, act, widths...))
	if err != nil {
		t.Fatal(err)
	}
	return m, rec
}

var tasks = []Task{TaskBinary, TaskMulticlass, TaskRegression}

// Predicting a batch equals predicting it row by row, bit for bit, and
// Model.Predict equals a Predictor.
func TestPredictBatchIndependent(t *testing.T) {
	for _, task := range tasks {
		t.Run(string(task), func(t *testing.T) {
			m, rec := testModel(t, task, 16, 8)
			all, err := m.NewPredictor().Predict(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != int(rec.NumRows())*m.OutputWidth() {
				t.Fatalf("%d predictions for %d rows", len(all), rec.NumRows())
			}
			p := m.NewPredictor()
			w := m.OutputWidth()
			for i := range int(rec.NumRows()) {
				one := rec.NewSlice(int64(i), int64(i+1))
				got, err := p.Predict(one, nil)
				one.Release()
				if err != nil {
					t.Fatal(err)
				}
				nearSlice(t, got, all[i*w:(i+1)*w], 0)
			}
			pooled, err := m.Predict(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			nearSlice(t, pooled, all, 0)
		})
	}
}

func TestPredictOutputs(t *testing.T) {
	m, rec := testModel(t, TaskMulticlass, 4)
	probs, err := m.Predict(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := range int(rec.NumRows()) {
		row := probs[3*r : 3*r+3]
		if s := row[0] + row[1] + row[2]; !near(float64(s), 1, 1e-5) {
			t.Fatalf("row %d probabilities %v sum to %v", r, row, s)
		}
	}
	cls := Argmax([]float32{0.1, 0.7, 0.2, 0.5, 0.5, 0}, 3, nil)
	if cls[0] != 1 || cls[1] != 0 {
		t.Fatalf("Argmax = %v, want [1 0]", cls)
	}
}

func TestPredictZeroAllocs(t *testing.T) {
	m, rec := testModel(t, TaskBinary, 64, 32)
	p := m.NewPredictor()
	out, err := p.Predict(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() { out, _ = p.Predict(rec, out) }); n != 0 {
		t.Errorf("Predictor.Predict: %v allocations per batch, want 0", n)
	}
	if raceEnabled {
		return
	}
	if n := testing.AllocsPerRun(20, func() { out, _ = m.Predict(rec, out) }); n != 0 {
		t.Errorf("Model.Predict: %v allocations per batch, want 0", n)
	}
}

func TestPredictConcurrent(t *testing.T) {
	m, rec := testModel(t, TaskRegression, 8)
	want, err := m.Predict(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := range errs {
		wg.Go(func() {
			for range 20 {
				got, err := m.Predict(rec, nil)
				if err == nil && fmt.Sprint(got) != fmt.Sprint(want) {
					err = errors.New("different predictions")
				}
				if err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestNewRejects(t *testing.T) {
	pre, err := NewPreprocessor([]Column{{Name: "x", Kind: KindNumeric, Std: 1}})
	if err != nil {
		t.Fatal(err)
	}
	sig := mlp(t, 1, Sigmoid, 1, 1)
	tests := map[string]struct {
		spec   Spec
		layers []Layer
	}{
		"unknown task":        {Spec{Task: "ranking"}, sig},
		"binary one label":    {Spec{Task: TaskBinary, Labels: []string{"a"}}, sig},
		"duplicate labels":    {Spec{Task: TaskBinary, Labels: []string{"a", "a"}}, sig},
		"binary without sig":  {Spec{Task: TaskBinary, Labels: []string{"a", "b"}}, mlp(t, 1, Identity, 1, 1)},
		"multiclass width":    {Spec{Task: TaskMulticlass, Labels: []string{"a", "b", "c"}}, mlp(t, 1, Softmax, 1, 2)},
		"regression labels":   {Spec{Task: TaskRegression, Labels: []string{"a"}}, sig},
		"regression bad std":  {Spec{Task: TaskRegression, TargetStd: -1}, sig},
		"layers do not chain": {Spec{Task: TaskRegression}, append(mlp(t, 1, ReLU, 1, 3), mlp(t, 1, Identity, 2, 1)...)},
		"first layer width":   {Spec{Task: TaskRegression}, mlp(t, 1, Identity, 2, 1)},
		"no layers":           {Spec{Task: TaskRegression}, nil},
	}
	for name, tt := range tests {
		if _, err := New(tt.spec, pre, tt.layers); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: got %v, want ErrInvalidInput", name, err)
		}
	}
}

func TestForwardMatchesPredict(t *testing.T) {
	m, rec := testModel(t, TaskRegression, 8)
	x, err := m.Preprocessor().Transform(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := m.NewPredictor()
	got, err := p.Forward(x, int(rec.NumRows()), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := p.Predict(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	nearSlice(t, got, want, 0)
	if _, err := p.Forward(x[1:], int(rec.NumRows()), nil); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("short matrix: got %v", err)
	}
}

// fakeLayer is a Layer the encoder does not know.
type fakeLayer struct{ *Dense }

func TestEncodeUnknownLayer(t *testing.T) {
	pre, err := NewPreprocessor([]Column{{Name: "x", Kind: KindNumeric, Std: 1}})
	if err != nil {
		t.Fatal(err)
	}
	d := mlp(t, 1, Identity, 1, 1)[0].(*Dense)
	m, err := New(Spec{Task: TaskRegression}, pre, []Layer{fakeLayer{d}})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Encode(io.Discard); err == nil {
		t.Fatal("encoding an unknown layer type succeeded")
	}
}

func TestPredictEmpty(t *testing.T) {
	m, rec := testModel(t, TaskMulticlass, 2)
	empty := rec.NewSlice(0, 0)
	defer empty.Release()
	got, err := m.Predict(empty, nil)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no predictions", got, err)
	}
}
