package train

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// withTimes adds a timestamp column "t" to rec, one value per row.
func withTimes(t *testing.T, rec arrow.Record, times []int64) arrow.Record {
	b := array.NewTimestampBuilder(memory.NewGoAllocator(), &arrow.TimestampType{Unit: arrow.Second})
	defer b.Release()
	for _, v := range times {
		b.Append(arrow.Timestamp(v))
	}
	col := b.NewArray()
	defer col.Release()
	out := withColumn(rec, "t", col)
	t.Cleanup(out.Release)
	return out
}

// The time split holds out the rows with the latest times whatever the
// source order, ties going to the later rows.
func TestTimeSplit(t *testing.T) {
	n := 40
	times := make([]int64, n)
	r := rand.New(rand.NewPCG(1, 1))
	for i, v := range r.Perm(n) {
		times[i] = int64(v / 2) // pairs of equal times
	}
	rec := withTimes(t, synth(t, n, 1, separable), times)
	b := &batches{recs: []arrow.Record{rec.NewSlice(0, 15), rec.NewSlice(15, int64(n))}, rows: n}
	defer b.release()
	got, err := readTimes(b, "t")
	if err != nil || !slices.Equal(got, times) {
		t.Fatalf("times %v, %v", got, err)
	}
	mask := splitMask(n, Config{ValidationFraction: 0.25, ValidationSplit: SplitTime}, nil, got)
	held := 0
	for i, m := range mask {
		if m {
			held++
		}
		// the latest 10 of 40: times 15..19, both rows of each pair
		if m != (times[i] >= 15) {
			t.Errorf("row %d (time %d): held out %v", i, times[i], m)
		}
	}
	if held != 10 {
		t.Errorf("%d rows held out, want 10", held)
	}
	tie := splitMask(4, Config{ValidationFraction: 0.25, ValidationSplit: SplitTime}, nil, []int64{5, 5, 5, 5})
	if !slices.Equal(tie, []bool{false, false, false, true}) {
		t.Errorf("ties: %v, want the last row", tie)
	}
}

func TestTimeSplitFit(t *testing.T) {
	n := 400
	times := make([]int64, n)
	for i := range times {
		times[i] = int64(n - i) // newest first
	}
	rec := withTimes(t, synth(t, n, 2, separable), times)
	d := data(rec)
	cfg := Config{ValidationSplit: SplitTime, Epochs: 2}
	if _, _, err := Fit(context.Background(), cfg, d); !errors.Is(err, ErrInvalidData) {
		t.Fatalf("without a time column: %v, want ErrInvalidData", err)
	}
	d.TimeColumn = "y"
	if _, _, err := Fit(context.Background(), cfg, d); !errors.Is(err, ErrInvalidData) {
		t.Fatalf("a bool time column: %v, want ErrInvalidData", err)
	}
	d.TimeColumn = "t"
	_, rep, err := Fit(context.Background(), cfg, d)
	if err != nil {
		t.Fatal(err)
	}
	if rep.ValidRows != 40 || rep.TrainRows != 360 {
		t.Errorf("%d training and %d validation rows", rep.TrainRows, rep.ValidRows)
	}
}

// The time split is the same fit as giving the most recent rows as the
// validation source: the same model bytes, and the same again on a
// second run (determinism).
func TestTimeSplitHoldsOutRecentRows(t *testing.T) {
	n := 400
	times := make([]int64, n)
	for i := range times {
		times[i] = int64(n - i) // newest first: rows 0..39 are the newest tenth
	}
	rec := withTimes(t, synth(t, n, 3, separable), times)
	cfg := Config{ValidationSplit: SplitTime, Epochs: 3, Seed: 5}
	d := data(rec)
	d.TimeColumn = "t"
	fit := func(cfg Config, d Data) []byte {
		t.Helper()
		m, _, err := Fit(context.Background(), cfg, d)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := m.Encode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	got := fit(cfg, d)
	if again := fit(cfg, d); !slices.Equal(got, again) {
		t.Error("the same data, config and seed gave different model bytes")
	}
	recent, older := rec.NewSlice(0, 40), rec.NewSlice(40, int64(n))
	defer recent.Release()
	defer older.Release()
	explicit := Data{Train: Records(older), Validation: Records(recent), Features: d.Features, Label: d.Label}
	if want := fit(Config{Epochs: 3, Seed: 5}, explicit); !slices.Equal(got, want) {
		t.Error("the time split's model differs from training on the older rows with the recent ones as validation")
	}
	if random := fit(Config{Epochs: 3, Seed: 5}, data(rec)); slices.Equal(got, random) {
		t.Error("the time split gave the random split's model")
	}
}
