package train

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/model"
)

// The flights task of issue 5, shared with bench/peers/sklearn_flights.py:
// label delay > 15; features distance, date (one-hot hour and day of week;
// month is left out, the rows span two months), origin, destination (all
// airports one-hot); train on flightsTrainRows rows spread evenly over
// January–February (row floor(i·N/200000) of the N Jan–Feb rows in file
// order), evaluate on March.
const (
	flightsTrainRows = 200_000
)

var flightsFeatures = []string{"distance", "date", "origin", "destination"}

// flightsConfig is the configuration the benchmark compares with
// scikit-learn's MLPClassifier(hidden_layer_sizes=(64, 32),
// early_stopping=True).
func flightsConfig() Config {
	return Config{Hidden: []int{64, 32}, BatchSize: 512, LearningRate: 0.002, Patience: 3, Seed: 1}
}

// loadFlights returns the subsampled training record and the March record
// (both with a bool "late" column), or skips the test.
func loadFlights(tb testing.TB) (train, test arrow.Record) {
	tb.Helper()
	flightsPath := filepath.Join("..", "..", "shared")
	if dir := os.Getenv("REFIT_SHARED"); dir != "" {
		flightsPath = dir
	}
	flightsPath = filepath.Join(flightsPath, "datasets", "flights-3m.parquet")
	if _, err := os.Stat(flightsPath); err != nil {
		tb.Skip("flights data not available (set REFIT_SHARED):", err)
	}
	ctx := context.Background()
	ds, err := ingest.Open(ctx, []string{flightsPath}, ingest.Options{Columns: []string{"date", "delay", "distance", "origin", "destination"}})
	if err != nil {
		tb.Fatal(err)
	}
	janFeb := filterFlights(tb, ds, "month(date) <= 2")
	march := filterFlights(tb, ds, "month(date) == 3")
	defer janFeb.Release()
	n := int(janFeb.NumRows())
	idx := make([]int, flightsTrainRows)
	for i := range idx {
		idx[i] = i * n / flightsTrainRows
	}
	train = take(tb, janFeb, idx)
	tb.Cleanup(train.Release)
	tb.Cleanup(march.Release)
	return train, march
}

// filterFlights reads the rows where cond holds into one record with a
// "late" label column.
func filterFlights(tb testing.TB, ds *ingest.Dataset, cond string) arrow.Record {
	where, err := colexpr.Compile(cond, ds.Schema())
	if err != nil {
		tb.Fatal(err)
	}
	label, err := colexpr.Compile("delay > 15", ds.Schema())
	if err != nil {
		tb.Fatal(err)
	}
	var parts []arrow.Record
	for rec, err := range ds.Records(context.Background()) {
		if err != nil {
			tb.Fatal(err)
		}
		part, err := colexpr.Filter(where, rec)
		if err != nil {
			tb.Fatal(err)
		}
		late, err := label.Eval(part)
		if err != nil {
			tb.Fatal(err)
		}
		parts = append(parts, withColumn(part, "late", late))
		part.Release()
		late.Release()
	}
	return concat(tb, parts)
}

func withColumn(rec arrow.Record, name string, col arrow.Array) arrow.Record {
	fields := append(rec.Schema().Fields(), arrow.Field{Name: name, Type: col.DataType(), Nullable: true})
	cols := append(append([]arrow.Array(nil), rec.Columns()...), col)
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

func concat(tb testing.TB, parts []arrow.Record) arrow.Record {
	tbl := array.NewTableFromRecords(parts[0].Schema(), parts)
	defer tbl.Release()
	for _, p := range parts {
		p.Release()
	}
	var cols []arrow.Array
	for i := range int(tbl.NumCols()) {
		c, err := array.Concatenate(tbl.Column(i).Data().Chunks(), memory.DefaultAllocator)
		if err != nil {
			tb.Fatal(err)
		}
		cols = append(cols, c)
	}
	rec := array.NewRecord(tbl.Schema(), cols, tbl.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// take copies the rows idx of rec into a new record.
func take(tb testing.TB, rec arrow.Record, idx []int) arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, rec.Schema())
	defer b.Release()
	for c := range int(rec.NumCols()) {
		col := rec.Column(c)
		for _, i := range idx {
			if err := b.Field(c).AppendValueFromString(col.ValueStr(i)); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return b.NewRecord()
}

// flightsAUC is the ROC AUC and log loss of m on rec's "late" column.
func flightsAUC(tb testing.TB, m *model.Model, rec arrow.Record) (auc, logloss float64) {
	pred, err := m.Predict(rec, nil)
	if err != nil {
		tb.Fatal(err)
	}
	late := rec.Column(rec.Schema().FieldIndices("late")[0]).(*array.Boolean)
	cls := make([]int32, late.Len())
	for i := range cls {
		if late.Value(i) {
			cls[i] = 1
		}
	}
	e := evaluator{pred: pred}
	return e.auc(cls), binaryLogLoss(pred, cls)
}

func fitFlights(tb testing.TB, train arrow.Record) (*model.Model, Report) {
	cfg := flightsConfig()
	cfg.Progress = func(e Epoch) {
		tb.Logf("epoch %d: train %.5f valid %.5f auc %.4f %v", e.Epoch, e.TrainLoss, e.ValidLoss, e.ValidMetric, e.Elapsed.Round(time.Millisecond))
	}
	m, rep, err := Fit(context.Background(), cfg, Data{Train: Records(train), Features: flightsFeatures, Label: "late"})
	if err != nil {
		tb.Fatal(err)
	}
	return m, rep
}

// TestFlights trains the issue-5 flights model and checks its March AUC.
func TestFlights(t *testing.T) {
	if testing.Short() {
		t.Skip("flights-sized training in -short mode")
	}
	train, test := loadFlights(t)
	m, rep := fitFlights(t, train)
	auc, logloss := flightsAUC(t, m, test)
	t.Logf("%d rows, %d features, %d params, %d epochs (best %d), valid loss %.5f, valid auc %.4f, March auc %.4f logloss %.5f (%d rows), %v",
		rep.TrainRows+rep.ValidRows, rep.Features, rep.Params, rep.Epochs, rep.BestEpoch, rep.BestValidLoss, rep.BestValidMetric, auc, logloss, test.NumRows(), rep.Duration)
	if math.IsNaN(auc) || auc < 0.6 {
		t.Errorf("March AUC %.4f", auc)
	}
}

// BenchmarkFitFlights times Fit on the 200k training rows; it reports the
// epochs, the best validation loss and the March AUC.
func BenchmarkFitFlights(b *testing.B) {
	train, test := loadFlights(b)
	var m *model.Model
	var rep Report
	for b.Loop() {
		m, rep = fitFlights(b, train)
	}
	b.ReportMetric(float64(rep.Epochs), "epochs")
	b.ReportMetric(rep.BestValidLoss, "valid_logloss")
	auc, logloss := flightsAUC(b, m, test)
	b.ReportMetric(auc, "march_auc")
	b.ReportMetric(logloss, "march_logloss")
}
