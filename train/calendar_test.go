package train

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/model"
)

// flightsLike makes n rows of (date, origin, distance, late) with dates
// uniform in [from, from+days): late flights are evening flights (17:00 to
// 21:59) on any day but Saturday, and flights from "ORD", with 10 % label
// noise. Distance is noise.
func flightsLike(t testing.TB, n int, seed uint64, from time.Time, days int) arrow.Record {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	mem := memory.NewGoAllocator()
	date := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Second})
	origin := array.NewStringBuilder(mem)
	dist := array.NewFloat64Builder(mem)
	late := array.NewBooleanBuilder(mem)
	for range n {
		ts := from.Add(time.Duration(rng.Int64N(int64(days) * 86400 * 1e9)))
		o := fmt.Sprintf("A%02d", rng.IntN(20))
		if rng.IntN(10) == 0 {
			o = "ORD"
		}
		y := (ts.Hour() >= 17 && ts.Hour() < 22 && ts.Weekday() != time.Saturday) || o == "ORD"
		if rng.Float64() < 0.1 {
			y = !y
		}
		date.Append(arrow.Timestamp(ts.Unix()))
		origin.Append(o)
		dist.Append(100 + 2000*rng.Float64())
		late.Append(y)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "date", Type: &arrow.TimestampType{Unit: arrow.Second}},
		{Name: "origin", Type: arrow.BinaryTypes.String},
		{Name: "distance", Type: arrow.PrimitiveTypes.Float64},
		{Name: "late", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	cols := []arrow.Array{date.NewArray(), origin.NewArray(), dist.NewArray(), late.NewArray()}
	rec := array.NewRecord(schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	t.Cleanup(rec.Release)
	return rec
}

var flightsLikeFeatures = []string{"date", "origin", "distance"}

// A model trained on two months of hour-of-day and weekday effects keeps
// them in a month it never saw: the calendar features do not depend on
// the month. The model card's note says month was left out.
func TestCalendarGeneralizes(t *testing.T) {
	jan := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	train := flightsLike(t, 6000, 1, jan, 59)
	june := flightsLike(t, 3000, 2, time.Date(2001, 6, 1, 0, 0, 0, 0, time.UTC), 30)
	cfg := Config{Hidden: []int{16}, Epochs: 30, LearningRate: 0.01, Seed: 3}
	m, _, err := Fit(context.Background(), cfg, Data{Train: Records(train), Features: flightsLikeFeatures, Label: "late"})
	if err != nil {
		t.Fatal(err)
	}
	auc, _ := flightsAUC(t, m, june)
	// The noise-free AUC is 1; 10 % flipped labels bound it near 0.9.
	if auc < 0.85 {
		t.Errorf("June AUC %.4f, want ≥ 0.85", auc)
	}
	notes := m.Preprocessor().Notes()
	if len(notes) != 1 || notes[0] != "date: month left out: training window spans 59 days < 1 year (365 days)" {
		t.Errorf("notes %q", notes)
	}
	oor, err := m.Preprocessor().OutOfRange(june)
	if err != nil {
		t.Fatal(err)
	}
	// June's hours, weekdays and origins were all seen; a few uniform
	// distances fall beyond the training rows' extremes.
	for _, c := range oor {
		if !c.Known || !c.Exact || c.Rows != 3000 || (c.Column != "distance" && c.OutOfRange != 0) || c.Share() > 0.01 {
			t.Errorf("%+v", c)
		}
	}
}

// Same data, config and seed give the same model bytes with calendar and
// categorical features, a decaying learning rate and averaged weights too.
func TestDeterministicCalendar(t *testing.T) {
	rec := flightsLike(t, 2000, 4, time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), 40)
	fit := func(seed uint64) []byte {
		cfg := Config{Hidden: []int{8}, Epochs: 4, Patience: 1, Tolerance: 1, LearningRateDecay: 0.5, WeightAverage: 0.9, Seed: seed}
		m, rep, err := Fit(context.Background(), cfg, Data{Train: Records(rec), Features: flightsLikeFeatures, Label: "late"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Epochs != 2 {
			t.Fatalf("%d epochs: Tolerance 1 never improves, Patience 1 stops after epoch 2", rep.Epochs)
		}
		var b bytes.Buffer
		if err := m.Encode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b, c := fit(42), fit(42), fit(43)
	if !bytes.Equal(a, b) {
		t.Error("same data, config and seed gave different model bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds gave the same model bytes")
	}
	m, err := model.DecodeBytes(a)
	if err != nil {
		t.Fatal(err)
	}
	if w := m.Preprocessor().NumFeatures(); w != 24+7+21+2+1 {
		t.Errorf("%d features, want 24 hours + 7 weekdays + 21 origins + other + missing + distance", w)
	}
}
