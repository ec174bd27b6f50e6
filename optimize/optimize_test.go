package optimize

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/train"
)

// ringData is a binary task: the label is x1² + x2² < 1.4 with 5% noise,
// plus 4 noise columns.
func ringData(t testing.TB, n int, seed uint64) arrow.Record {
	r := rand.New(rand.NewPCG(seed, 1))
	mem := memory.NewGoAllocator()
	fields := []arrow.Field{}
	var arrs []arrow.Array
	cols := make([][]float64, 6)
	for j := range cols {
		cols[j] = make([]float64, n)
		for i := range cols[j] {
			cols[j][i] = r.NormFloat64()
		}
		b := array.NewFloat64Builder(mem)
		b.AppendValues(cols[j], nil)
		arrs = append(arrs, b.NewArray())
		fields = append(fields, arrow.Field{Name: "x" + string(rune('1'+j)), Type: arrow.PrimitiveTypes.Float64})
	}
	lb := array.NewBooleanBuilder(mem)
	for i := range n {
		y := cols[0][i]*cols[0][i]+cols[1][i]*cols[1][i] < 1.4
		if r.Float64() < 0.05 {
			y = !y
		}
		lb.Append(y)
	}
	arrs = append(arrs, lb.NewArray())
	fields = append(fields, arrow.Field{Name: "y", Type: arrow.FixedWidthTypes.Boolean})
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(n))
	t.Cleanup(rec.Release)
	return rec
}

var features = []string{"x1", "x2", "x3", "x4", "x5", "x6"}

func fitRing(t testing.TB) (*model.Model, arrow.Record, Validation) {
	rec := ringData(t, 3000, 1)
	m, _, err := train.Fit(context.Background(), train.Config{Hidden: []int{32, 16}, Epochs: 25, Seed: 1, LearningRate: 0.01},
		train.Data{Train: train.Records(rec), Features: features, Label: "y"})
	if err != nil {
		t.Fatal(err)
	}
	vrec := ringData(t, 2000, 2)
	x, err := m.Preprocessor().Transform(vrec, nil)
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]float64, vrec.NumRows())
	for i := range labels {
		if vrec.Column(6).(*array.Boolean).Value(i) {
			labels[i] = 1
		}
	}
	return m, rec, Validation{X: x, Labels: labels}
}

func TestQuantizeCloseAndAUC(t *testing.T) {
	m, _, val := fitRing(t)
	for _, static := range []bool{false, true} {
		q, err := Quantize(m, QuantizeOptions{Static: static, Calibration: val.X})
		if err != nil {
			t.Fatal(err)
		}
		rows := len(val.Labels)
		a, _ := m.NewPredictor().Forward(val.X, rows, nil)
		b, _ := q.NewPredictor().Forward(val.X, rows, nil)
		var maxDiff float64
		for i := range a {
			maxDiff = max(maxDiff, math.Abs(float64(a[i]-b[i])))
		}
		_, fa, _ := Metric(m, val)
		_, qa, _ := Metric(q, val)
		t.Logf("static %v: max |p − p_int8| = %.4f, AUC %.4f → %.4f", static, maxDiff, fa, qa)
		if maxDiff > 0.15 || fa-qa > 0.01 {
			t.Fatalf("static %v: max diff %v, AUC drop %v", static, maxDiff, fa-qa)
		}
	}
}

func TestFineTuneKeepsPrunedZero(t *testing.T) {
	m, rec, val := fitRing(t)
	const target = 0.7
	var seen []float64
	masks := func(e int, w [][]float32) [][]bool {
		if e > 3 {
			return nil
		}
		s := Schedule(0, target, e, 3)
		seen = append(seen, s)
		return MagnitudeMasks(w, s, true)
	}
	ft, rep, err := train.FineTune(context.Background(), train.Config{Epochs: 5, Seed: 2},
		m, train.Data{Train: train.Records(rec), Features: features, Label: "y"}, masks)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.History) != 5 || !slices.IsSorted(seen) || seen[len(seen)-1] != target {
		t.Fatalf("history %d, schedule %v", len(rep.History), seen)
	}
	if s := Sparsity(ft); math.Abs(s-target) > 0.01 {
		t.Fatalf("sparsity %v, want %v", s, target)
	}
	_, auc, _ := Metric(ft, val)
	_, base, _ := Metric(m, val)
	t.Logf("AUC %.4f → %.4f at %.0f%% sparsity", base, auc, target*100)
	if base-auc > 0.03 {
		t.Fatalf("AUC dropped from %v to %v", base, auc)
	}
}

func TestSchedule(t *testing.T) {
	if Schedule(0, 0.8, 0, 10) != 0 || Schedule(0, 0.8, 10, 10) != 0.8 || Schedule(0, 0.8, 20, 10) != 0.8 {
		t.Fatal("endpoints")
	}
	if got := Schedule(0, 0.8, 5, 10); math.Abs(got-0.7) > 1e-12 {
		t.Fatalf("midpoint %v, want 0.7", got)
	}
}

// TestStructuredZeroNeurons: neurons with zero incoming weights are the
// ones removed, and the outputs do not change.
func TestStructuredZeroNeurons(t *testing.T) {
	m, _, val := fitRing(t)
	layers := m.Layers()
	d := layers[0].(*model.Dense)
	w := slices.Clone(d.Weights())
	for o := 0; o < d.Out(); o += 4 { // 8 of 32 neurons
		clear(w[o*d.In() : (o+1)*d.In()])
	}
	layers[0], _ = model.NewDense(d.In(), d.Out(), w, d.Bias(), d.Activation())
	d1 := layers[1].(*model.Dense)
	w1 := slices.Clone(d1.Weights())
	for o := 0; o < d1.Out(); o += 4 { // 4 of 16
		clear(w1[o*d1.In() : (o+1)*d1.In()])
	}
	layers[1], _ = model.NewDense(d1.In(), d1.Out(), w1, d1.Bias(), d1.Activation())
	zm, err := model.New(m.Spec(), m.Preprocessor(), layers)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := PruneNeurons(zm, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	ls := pm.Layers()
	if ls[0].Out() != 24 || ls[1].In() != 24 || ls[1].Out() != 12 || ls[2].In() != 12 {
		t.Fatalf("shapes %d→%d, %d→%d, %d", ls[0].In(), ls[0].Out(), ls[1].In(), ls[1].Out(), ls[2].In())
	}
	rows := len(val.Labels)
	a, _ := zm.NewPredictor().Forward(val.X, rows, nil)
	b, _ := pm.NewPredictor().Forward(val.X, rows, nil)
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5 {
			t.Fatalf("row %d: %v, pruned %v", i, a[i], b[i])
		}
	}
}

// TestRunBacksOff: with a tolerance nothing sparse meets, the search
// records rejected attempts and falls back.
func TestRunBacksOff(t *testing.T) {
	m, _, val := fitRing(t)
	res, err := Run(context.Background(), m, val, Options{Sparsity: 0.95, Quantize: true, MaxMetricDrop: 0.002})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range res.Attempts {
		t.Logf("%+v", a)
	}
	last := res.Attempts[len(res.Attempts)-1]
	if !last.Kept || len(res.Attempts) < 2 || res.Attempts[0].Kept {
		t.Fatalf("attempts %+v", res.Attempts)
	}
	if res.Baseline-res.Final > 0.002 {
		t.Fatalf("final %v, baseline %v", res.Final, res.Baseline)
	}
}

// The kept int8 variant carries its own calibrator, fitted on the
// validation rows; the float model keeps the one training gave it.
func TestRunCalibratesVariant(t *testing.T) {
	m, _, val := fitRing(t)
	res, err := Run(context.Background(), m, val, Options{Quantize: true, MaxMetricDrop: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if res.Model == m {
		t.Fatalf("no variant kept: %+v", res.Attempts)
	}
	c := res.Model.Calibrator()
	if c == nil || c.Rows != len(val.Labels) || c == m.Calibrator() || res.Calibration == "" {
		t.Fatalf("variant calibrator %+v (%q), want one fitted on %d rows", c, res.Calibration, len(val.Labels))
	}
	if m.Calibrator() == nil || m.Calibrator().Rows == len(val.Labels) {
		t.Errorf("float model's calibrator %+v changed", m.Calibrator())
	}
}
