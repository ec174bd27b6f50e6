package estimate_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/compute"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/train"
	"github.com/refit-ml/refit/validate/estimate"
)

// The January–February flights model of BENCHMARKS.md (issue 12; the
// rows `refit run --now 2001-03-01T00:00:00Z` trains on with
// examples/flights/refit.yaml: the 60 days before March 1 less their most
// recent 10 %, the pipeline's holdout), with its calibrator fitted on its
// own validation split; its AUC and accuracy estimated on March to June
// without their labels, then compared with the realized values (issue 15's
// target).
var (
	flightsNow    = time.Date(2001, 3, 1, 0, 0, 0, 0, time.UTC)
	flightsWindow = 60 * 24 * time.Hour
	flightsMonths = []time.Month{time.March, time.April, time.May, time.June}
)

// flightsResult is one period's estimate beside its realized metrics.
type flightsResult struct {
	name               string
	rows               int
	est                estimate.Estimate
	realAUC, realAcc   float64
	realRate           float64
	aucInside, accIn   bool
	aucError, accError float64
}

func TestFlightsEstimate(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the January–February flights model (about a minute, more under load)")
	}
	all := loadFlights(t)
	defer all.Release()
	trainRows, holdout := windowRows(t, all)
	defer trainRows.Release()
	defer holdout.Release()
	cfg := train.Config{Hidden: []int{64, 32}, Epochs: 80, BatchSize: 512, LearningRate: 0.002, Patience: 6,
		WeightAverage: 0.999, Seed: 7} // examples/flights/refit.yaml's train section
	m, rep, err := train.Fit(context.Background(), cfg, train.Data{Train: train.Records(trainRows),
		Features: []string{"distance", "date", "origin", "destination"}, Label: "late", TimeColumn: "date"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained on %d rows (%d validation), %d epochs, %.0f s; calibrator: %s",
		rep.TrainRows, rep.ValidRows, rep.Epochs, rep.Duration.Seconds(), rep.Calibration)
	periods := []struct {
		name string
		rec  arrow.Record
	}{{"Feb holdout", holdout}}
	for _, mo := range flightsMonths {
		rec := filterTimes(t, all, func(ts time.Time) bool { return ts.Month() == mo })
		defer rec.Release()
		periods = append(periods, struct {
			name string
			rec  arrow.Record
		}{mo.String()[:3], rec})
	}
	t.Logf("validation AUC %.4f (best epoch %d)", rep.BestValidMetric, rep.BestEpoch)
	logDriftCost(t, m, trainRows, periods[len(periods)-1].rec)
	// The same model with a calibrator fitted on the pipeline's holdout
	// instead (the window's most recent 10 %, after every training row).
	hp, err := m.Predict(holdout, nil)
	if err != nil {
		t.Fatal(err)
	}
	hc, err := model.FitCalibrator(hp, 1, lateLabels(holdout))
	if err != nil {
		t.Fatal(err)
	}
	var why string
	if hc.Shift, why = estimate.MeasureShift(hp, 1, lateLabels(holdout), unixMicros(holdout), 0); hc.Shift == nil {
		t.Fatalf("holdout calibration shift not measured: %s", why)
	}
	for _, c := range []*model.Calibrator{m.Calibrator(), hc} {
		if s := c.Shift; s != nil {
			t.Logf("calibration shift by %s over %d chunks of %d rows: SD %v, RMSE %v, sampling %v", s.By, s.Chunks, s.ChunkRows, s.SD, s.RMSE, s.Sampling)
		}
	}
	mh, err := m.WithCalibrator(hc)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		name             string
		m                *model.Model
		maxAUC, maxAccur float64 // the errors measured, rounded up (BENCHMARKS.md)
	}{{"calibrator on the validation split (random 10 % of the training rows)", m, 0.10, 0.05},
		{"calibrator on the pipeline's holdout (the window's last 10 %)", mh, 0.05, 0.10}} {
		var results []flightsResult
		for _, p := range periods {
			results = append(results, estimatePeriod(t, v.m, p.name, p.rec))
		}
		inside, sumErr, sumAcc := 0, 0.0, 0.0
		for _, r := range results[1:] {
			if r.aucInside {
				inside++
			}
			sumErr += math.Abs(r.aucError)
			sumAcc += math.Abs(r.accError)
		}
		accInside := 0
		for _, r := range results[1:] {
			if r.accIn {
				accInside++
			}
		}
		t.Logf("%s:\n%s\nMarch–June: realized AUC inside the 95%% interval in %d of 4 months (accuracy %d of 4); mean absolute AUC error %.4f, accuracy error %.4f",
			v.name, flightsTable(results), inside, accInside, sumErr/4, sumAcc/4)
		// The months differ from January–February in how delays depend
		// on the features (concept drift; see BENCHMARKS.md). With the
		// calibration shift the time-ordered holdout shows in the
		// intervals, issue 15's target (≥ 3 of 4 months inside) is met
		// for the holdout calibrator; the validation split's, spread over
		// the window, sees less shift than the months ahead bring. This
		// guards the measured result.
		if v.m == mh && inside < 3 {
			t.Errorf("holdout calibrator: realized AUC inside the interval in %d of 4 months", inside)
		}
		for _, r := range results[1:] {
			if math.Abs(r.aucError) > v.maxAUC || math.Abs(r.accError) > v.maxAccur {
				t.Errorf("%s: AUC error %.4f, accuracy error %.4f", r.name, r.aucError, r.accError)
			}
		}
		// Where the assumptions hold by construction (the calibrator's
		// own rows), the realized metrics fall inside the intervals.
		if h := results[0]; v.m == mh && (!h.aucInside || !h.accIn) {
			t.Errorf("holdout with its own calibrator: realized AUC %.4f, accuracy %.4f outside the intervals", h.realAUC, h.realAcc)
		}
	}
}

func lateLabels(rec arrow.Record) []int {
	late := rec.Column(rec.Schema().FieldIndices("late")[0]).(*array.Boolean)
	labels := make([]int, late.Len())
	for i := range labels {
		if late.Value(i) {
			labels[i] = 1
		}
	}
	return labels
}

func estimatePeriod(t *testing.T, m *model.Model, name string, rec arrow.Record) flightsResult {
	preds, err := m.Predict(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := estimate.FromModel(m, preds, estimate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	labels := lateLabels(rec)
	var pos float64
	for _, l := range labels {
		pos += float64(l)
	}
	real, err := evaluate.EvaluateBinary(labels, preds, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	auc, _ := e.Metric(estimate.AUC)
	acc, _ := e.Metric(estimate.Accuracy)
	return flightsResult{name: name, rows: len(labels), est: e, realAUC: real.AUC, realAcc: real.Accuracy,
		realRate:  pos / float64(len(labels)),
		aucInside: real.AUC >= auc.Lo && real.AUC <= auc.Hi, accIn: real.Accuracy >= acc.Lo && real.Accuracy <= acc.Hi,
		aucError: auc.Value - real.AUC, accError: acc.Value - real.Accuracy}
}

func flightsTable(rs []flightsResult) string {
	var b strings.Builder
	b.WriteString("| period | rows | est. AUC [95%] | sampling ± / shift ± | realized AUC | in | est. accuracy [95%] | sampling ± / shift ± | realized accuracy | in | est. / realized late rate |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	yes := map[bool]string{true: "yes", false: "**no**"}
	for _, r := range rs {
		auc, _ := r.est.Metric(estimate.AUC)
		acc, _ := r.est.Metric(estimate.Accuracy)
		fmt.Fprintf(&b, "| %s | %d | %.4f [%.4f, %.4f] | %.4f / %.4f | %.4f | %s | %.4f [%.4f, %.4f] | %.4f / %.4f | %.4f | %s | %.4f / %.4f |\n",
			r.name, r.rows, auc.Value, auc.Lo, auc.Hi, (auc.SamplingHi-auc.SamplingLo)/2, auc.Shift, r.realAUC, yes[r.aucInside],
			acc.Value, acc.Lo, acc.Hi, (acc.SamplingHi-acc.SamplingLo)/2, acc.Shift, r.realAcc, yes[r.accIn], r.est.PositiveRate, r.realRate)
	}
	return b.String()
}

// loadFlights reads every flight with a bool "late" (delay > 15) column,
// or skips the test.
func loadFlights(t *testing.T) arrow.Record {
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared")
	}
	path := filepath.Join(dir, "datasets", "flights-3m.parquet")
	if _, err := os.Stat(path); err != nil {
		t.Skip("flights data not available (set REFIT_SHARED):", err)
	}
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{path}, ingest.Options{Columns: []string{"date", "delay", "distance", "origin", "destination"}})
	if err != nil {
		t.Fatal(err)
	}
	label, err := colexpr.Compile("delay > 15", ds.Schema())
	if err != nil {
		t.Fatal(err)
	}
	var parts []arrow.Record
	for rec, err := range ds.Records(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		late, err := label.Eval(rec)
		if err != nil {
			t.Fatal(err)
		}
		fields := append(rec.Schema().Fields(), arrow.Field{Name: "late", Type: late.DataType(), Nullable: true})
		cols := append(slices.Clone(rec.Columns()), late)
		parts = append(parts, array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows()))
		late.Release()
	}
	tbl := array.NewTableFromRecords(parts[0].Schema(), parts)
	defer tbl.Release()
	for _, p := range parts {
		p.Release()
	}
	return concatTable(t, tbl)
}

func concatTable(t *testing.T, tbl arrow.Table) arrow.Record {
	cols := make([]arrow.Array, tbl.NumCols())
	for i := range cols {
		a, err := array.Concatenate(tbl.Column(i).Data().Chunks(), memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		cols[i] = a
		defer a.Release()
	}
	return array.NewRecord(tbl.Schema(), cols, tbl.NumRows())
}

// windowRows splits the 60 days before flightsNow at the time of index
// int(0.9·n) of their sorted times, as the pipeline cuts its holdout.
func windowRows(t *testing.T, all arrow.Record) (trainRows, holdout arrow.Record) {
	from := flightsNow.Add(-flightsWindow)
	in := func(ts time.Time) bool { return !ts.Before(from) && ts.Before(flightsNow) }
	var times []time.Time
	eachDate(all, func(ts time.Time) {
		if in(ts) {
			times = append(times, ts)
		}
	})
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	cut := times[int(float64(len(times))*0.9)]
	return filterTimes(t, all, func(ts time.Time) bool { return in(ts) && ts.Before(cut) }),
		filterTimes(t, all, func(ts time.Time) bool { return in(ts) && !ts.Before(cut) })
}

// unixMicros returns the rows' dates as microseconds since the epoch.
func unixMicros(rec arrow.Record) []int64 {
	var out []int64
	eachDate(rec, func(ts time.Time) { out = append(out, ts.UnixMicro()) })
	return out
}

func eachDate(rec arrow.Record, fn func(time.Time)) {
	col := rec.Column(rec.Schema().FieldIndices("date")[0]).(*array.Timestamp)
	unit := col.DataType().(*arrow.TimestampType).Unit
	for i := range col.Len() {
		fn(col.Value(i).ToTime(unit))
	}
}

func filterTimes(t *testing.T, rec arrow.Record, keep func(time.Time) bool) arrow.Record {
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	eachDate(rec, func(ts time.Time) { b.Append(keep(ts)) })
	mask := b.NewBooleanArray()
	defer mask.Release()
	out, err := compute.FilterRecordBatch(context.Background(), rec, mask, compute.DefaultFilterOptions())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// logDriftCost logs the estimated cost of each input's drift from the
// training rows to June (the figures in BENCHMARKS.md) and checks each is
// finite.
func logDriftCost(t *testing.T, m *model.Model, ref, june arrow.Record) {
	features := []string{"distance", "date", "origin", "destination"}
	values := map[string]arrow.Array{}
	for _, f := range features {
		values[f] = ref.Column(ref.Schema().FieldIndices(f)[0])
	}
	effects, err := estimate.FeatureEffects(context.Background(), m, []arrow.Record{june}, values, features, estimate.AUC, estimate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range effects {
		t.Logf("January–February to June: %s", e)
		if math.IsNaN(e.Change) || math.Abs(e.Change) > 0.1 {
			t.Errorf("%s: change %v", e.Feature, e.Change)
		}
	}
}
