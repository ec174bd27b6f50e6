package model

import (
	"errors"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// oorModel fits x (numeric, 10..30), s (categorical: "a" one-hot, "b"
// rare) and ts (Friday 13:30 and Saturday 15:30 UTC).
func oorPreprocessor(t *testing.T) *Preprocessor {
	t.Helper()
	const h = 3600
	rec := newRecord(t,
		col{"x", f64Arr([]float64{10, 20, 30, 0}, 3)},
		col{"s", strArr([]string{"a", "a", "b", ""}, 3)},
		col{"ts", tsArr(arrow.Second, "UTC", []int64{friday, friday + 26*h, friday, friday})})
	p, err := Fit([]string{"x", "s", "ts"}, FitConfig{TopK: 1}, rec)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// oorServing is five rows against oorPreprocessor; see the table in
// TestOutOfRange.
func oorServing(t *testing.T) arrow.Record {
	const h = 3600
	return newRecord(t,
		col{"x", f64Arr([]float64{5, 35, math.NaN(), 20, 30})},
		col{"s", strArr([]string{"b", "zz", "", "a", "c"}, 2)},
		col{"ts", tsArr(arrow.Second, "UTC", []int64{friday, friday + 48*h, 0, friday - 9*h, friday + 39*h}, 2)})
}

func TestOutOfRange(t *testing.T) {
	p := oorPreprocessor(t)
	if c := p.Columns(); !slices.Equal(c[0].Range, []float64{10, 30}) || !slices.Equal(c[1].Categories, []string{"a"}) ||
		!slices.Equal(c[1].Rare, []string{"b"}) || !c[1].Complete {
		t.Fatalf("fitted %+v", c)
	}
	got, err := p.OutOfRange(oorServing(t))
	if err != nil {
		t.Fatal(err)
	}
	// row: x      s          ts
	// 0    5 <    b rare     Fri 13:30
	// 1    35 >   zz unseen  Sun 13:30 (weekday unseen)
	// 2    NaN    null       null
	// 3    20     a          Fri 04:30 (hour unseen)
	// 4    30     c unseen   Sun 04:30 (hour and weekday unseen)
	want := []ColumnOOR{
		{Column: "x", Kind: KindNumeric, Rows: 5, Missing: 1, OutOfRange: 2, Below: 1, Above: 1, Known: true, Exact: true},
		{Column: "s", Kind: KindCategorical, Rows: 5, Missing: 1, OutOfRange: 2, Known: true, Exact: true},
		{Column: "ts", Kind: KindTime, Rows: 5, Missing: 1, OutOfRange: 3, UnseenHour: 2, UnseenWeekday: 2, Known: true, Exact: true},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if s := got[2].Share(); s != 0.75 {
		t.Errorf("share %v, want 3/4", s)
	}
}

// Counting in parts and merging equals counting at once; a failed Add
// leaves the counts as they were.
func TestRangeCounterMerge(t *testing.T) {
	p := oorPreprocessor(t)
	rec := oorServing(t)
	want, err := p.OutOfRange(rec)
	if err != nil {
		t.Fatal(err)
	}
	a, b := p.NewRangeCounter(), p.NewRangeCounter()
	head, tail := rec.NewSlice(0, 2), rec.NewSlice(2, 5)
	defer head.Release()
	defer tail.Release()
	if err := errors.Join(a.Add(head), b.Add(tail), a.Merge(b)); err != nil {
		t.Fatal(err)
	}
	bad := newRecord(t, col{"x", f64Arr([]float64{1})})
	if err := a.Add(bad); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("record without s and ts: got %v, want ErrInvalidInput", err)
	}
	if got := a.Counts(); !slices.Equal(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if err := a.Merge(oorPreprocessor(t).NewRangeCounter()); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("merging another preprocessor's counter: got %v", err)
	}
}

// MinCount sends rare values to "#other" but keeps them as seen; beyond
// MaxRare the list is incomplete and the counts are not exact.
func TestCategoricalRareValues(t *testing.T) {
	vals := []string{"a", "a", "a", "b", "b", "c", "d"}
	tests := []struct {
		name       string
		cfg        FitConfig
		categories []string
		rare       []string
		complete   bool
		oor        int64    // of serving values a, c, e
		vals       []string // training values when not vals
	}{
		{"all one-hot", FitConfig{}, []string{"a", "b", "c", "d"}, nil, true, 1, nil},
		{"top 2", FitConfig{TopK: 2}, []string{"a", "b"}, []string{"c", "d"}, true, 1, nil},
		{"min count 2", FitConfig{MinCount: 2}, []string{"a", "b"}, []string{"c", "d"}, true, 1, nil},
		{"min count 3", FitConfig{MinCount: 3}, []string{"a"}, []string{"b", "c", "d"}, true, 1, nil},
		// b (2 rows) is kept before c and d (1 row each, ties by value).
		{"max rare 2", FitConfig{TopK: 1, MaxRare: 2}, []string{"a"}, []string{"b", "c"}, false, 1, nil},
		{"max rare 1", FitConfig{TopK: 1, MaxRare: 1}, []string{"a"}, []string{"b"}, false, 2, nil},
		// Counting more than MaxDistinct distinct values turns the counts
		// into a Misra-Gries summary of MaxDistinct/4 values: the fifth
		// value, e, prunes every count but a's (3, less b's 2).
		{"pruned counts", FitConfig{TopK: 1, MaxDistinct: 4}, []string{"a"}, nil, false, 2,
			[]string{"a", "a", "a", "b", "b", "c", "d", "e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			train := vals
			if tt.vals != nil {
				train = tt.vals
			}
			p, err := Fit([]string{"s"}, tt.cfg, newRecord(t, col{"s", strArr(train)}))
			if err != nil {
				t.Fatal(err)
			}
			c := p.Columns()[0]
			if !slices.Equal(c.Categories, tt.categories) || !slices.Equal(c.Rare, tt.rare) || c.Complete != tt.complete {
				t.Fatalf("categories %q rare %q complete %v", c.Categories, c.Rare, c.Complete)
			}
			got, err := p.OutOfRange(newRecord(t, col{"s", dictArr([]string{"a", "c", "e"})}))
			if err != nil {
				t.Fatal(err)
			}
			if got[0].OutOfRange != tt.oor || got[0].Exact != tt.complete {
				t.Fatalf("%+v, want %d out of range, exact %v", got[0], tt.oor, tt.complete)
			}
			x, err := p.Transform(newRecord(t, col{"s", strArr([]string{"c"})}), nil)
			if err != nil {
				t.Fatal(err)
			}
			if j := slices.Index(tt.categories, "c"); j < 0 && x[len(tt.categories)] != 1 {
				t.Errorf("rare c encodes as %v, want #other", x)
			}
		})
	}
}

// A model of format version 1 records no ranges: its numeric and time
// columns are not known, its categorical ones not exact.
func TestOutOfRangeVersion1(t *testing.T) {
	b, err := os.ReadFile("testdata/v1_binary.model")
	if err != nil {
		t.Fatal(err)
	}
	m, err := DecodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Preprocessor().OutOfRange(v1Record(t, 64, 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		known := c.Kind == KindCategorical
		if c.Rows != 64 || c.Known != known || c.Exact || (!known && c.OutOfRange != 0) {
			t.Errorf("%+v: want 64 rows, known %v, not exact", c, known)
		}
	}
	if got[1].OutOfRange == 0 || got[3].Missing == 0 {
		t.Errorf("origin: %d outside the top 8, day: %d missing; want both > 0", got[1].OutOfRange, got[3].Missing)
	}
}
