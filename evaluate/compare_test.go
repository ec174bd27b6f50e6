package evaluate

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
)

// compareRecord has n rows of two standard normal inputs x and z and a
// label late = x + z + noise > 1 (about 20% positive), so a model that
// uses z is better than one that does not.
func compareRecord(t testing.TB, n int) arrow.Record {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "z", Type: arrow.PrimitiveTypes.Float64},
		{Name: "late", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	rng := rand.New(rand.NewPCG(5, 6))
	for range n {
		x, z := rng.NormFloat64(), rng.NormFloat64()
		b.Field(0).(*array.Float64Builder).Append(x)
		b.Field(1).(*array.Float64Builder).Append(z)
		b.Field(2).(*array.BooleanBuilder).Append(x+z+rng.NormFloat64() > 1.6)
	}
	return b.NewRecord()
}

// linearModel is a logistic model with weights wx, wz on the standardized
// inputs.
func linearModel(t testing.TB, rec arrow.Record, wx, wz float32) *model.Model {
	t.Helper()
	pre, err := model.Fit([]string{"x", "z"}, model.FitConfig{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	d, err := model.NewDense(pre.NumFeatures(), 1, []float32{wx, wz}, []float32{-1.5}, model.Sigmoid)
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

func TestCompare(t *testing.T) {
	rec := compareRecord(t, 3000)
	defer rec.Release()
	better, worse := linearModel(t, rec, 1, 1), linearModel(t, rec, 1, 0)
	pol := mustPolicy(t, `gates:
  - {metric: auc, min: 0.6}
  - {metric: auc, beat_champion_beyond_ci: true}
  - {metric: auc, per_slice: true, max_drop_vs_champion: 0.02}
  - {metric: auc, max_drop_vs_parent: 0.01}
  - {metric: latency_p99_us, max_rise_vs_champion_pct: 20, floor_us: 1000}
  - {metric: latency_p50_us, max_rise_vs_champion_pct: 1000, floor_us: 0}
  - {metric: rows_per_sec, max_drop_vs_champion_pct: 90}
  - {latency_p99_us: 1000}
`)
	opts := CompareOptions{Score: ScoreOptions{Slices: []SliceExpr{{"high_z", "z > 1"}}, NoAutoSlices: true},
		Cost: CostOptions{Budget: 10 * time.Millisecond, MinSamples: 50}}
	run := func(cand, champ *model.Model) *Decision {
		t.Helper()
		roles := Roles{Candidate: Entry{Model: cand, Name: "candidate"},
			Champion: &Entry{Model: champ, Name: "v0001"}, Parent: &Entry{Model: cand, Name: "float parent"}}
		d, err := Compare(context.Background(), pol, roles, rec.Schema(), records(rec, 1000), opts)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := run(better, worse)
	if d.Rows != 3000 || d.Champion().Model != "v0001" || d.Parent().Model != "float parent" || d.Candidate().Model != "candidate" {
		t.Fatalf("rows %d, results %v %v %v", d.Rows, d.Candidate().Model, d.Champion().Model, d.Parent().Model)
	}
	want := []struct {
		pass   bool
		reason string
	}{
		{true, "is within bounds"},
		{true, "better beyond the interval"},
		{true, "within the limit"},                // high_z: better there too
		{true, "auc drop 0, 90% interval [0, 0]"}, // against itself
		{true, "below the 1000 µs floor"},
		{true, "latency_p50_us rise"},
		{true, "rows_per_sec drop"},
		{true, "budget <= 1000"},
	}
	checkDecision(t, d, want)
	for _, c := range d.Verdict.Checks {
		if c.Interval == nil && !strings.Contains(c.Reason, "floor") {
			t.Errorf("%s: no interval", c.Gate)
		}
	}
	// The same model as candidate and champion is not better beyond the
	// interval, and equal everywhere else.
	same := run(worse, worse)
	if c := same.Verdict.Checks[1]; c.Pass || !strings.Contains(c.Reason, "not shown better") {
		t.Errorf("candidate = champion: %+v", c)
	}
	// Deterministic: the same evidence again (timings aside).
	again := run(better, worse)
	for i, p := range d.Candidate().Paired {
		if !isCost(p.Metric) && p != again.Candidate().Paired[i] {
			t.Errorf("evidence %d differs: %+v, %+v", i, p, again.Candidate().Paired[i])
		}
	}
}

func checkDecision(t *testing.T, d *Decision, want []struct {
	pass   bool
	reason string
}) {
	t.Helper()
	if len(d.Verdict.Checks) != len(want) {
		t.Fatalf("%d checks, want %d: %+v", len(d.Verdict.Checks), len(want), d.Verdict.Checks)
	}
	for i, c := range d.Verdict.Checks {
		if c.Pass != want[i].pass || !strings.Contains(c.Reason, want[i].reason) {
			t.Errorf("check %d %s: pass %v, %q; want %v, %q", i, c.Gate, c.Pass, c.Reason, want[i].pass, want[i].reason)
		}
	}
}

func TestCompareNoRows(t *testing.T) {
	rec := compareRecord(t, 10)
	defer rec.Release()
	m := linearModel(t, rec, 1, 1)
	_, err := Compare(context.Background(), DefaultPolicy(TaskBinary), Roles{Candidate: Entry{Model: m}}, rec.Schema(),
		records(rec, 10), CompareOptions{Score: ScoreOptions{Where: "x > 100"}, NoCost: true})
	if !errors.Is(err, ErrNoRows) {
		t.Fatalf("err %v, want ErrNoRows", err)
	}
}
