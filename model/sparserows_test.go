package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

// sparseCases are preprocessings with every column kind and encoding,
// each with a record to transform (training values, unseen values, nulls,
// times before 1970).
func sparseCases(t *testing.T) map[string]struct {
	pre *Preprocessor
	rec arrow.Record
} {
	r := rand.New(rand.NewPCG(3, 4))
	n := 300
	nums, cats, times := make([]float64, n), make([]string, n), make([]int64, n)
	var nulls []int
	for i := range n {
		nums[i] = r.NormFloat64()*10 + 3
		cats[i] = fmt.Sprint("v", r.IntN(12))
		times[i] = friday + r.Int64N(800*86400) - 400*86400
		if i%17 == 3 {
			nulls = append(nulls, i)
		}
	}
	times[0] = -86400*3 - 1 // 1969-12-28 23:59:59, a Sunday
	times[1] = -1
	fit := func(zone string, year bool) *Preprocessor {
		span := int64(40 * 86400)
		if year {
			span = 400 * 86400
		}
		tr := make([]int64, 64)
		for i := range tr {
			tr[i] = friday + int64(i)*span/64 + int64(i%5)*3600 // some hours only
		}
		trCats := make([]string, 64)
		for i := range trCats {
			trCats[i] = fmt.Sprint("v", i%9)
		}
		rec := newRecord(t, col{"n", f64Arr(nums[:64], 5)}, col{"c", strArr(trCats, 7)}, col{"d", dictArr(trCats)},
			col{"b", boolPattern(64)}, col{"ts", tsArr(arrow.Second, zone, tr, 9)})
		p, err := Fit([]string{"n", "c", "d", "b", "ts"}, FitConfig{TopK: 6}, rec)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rec := func(zone string, unit arrow.TimeUnit, mul int64) arrow.Record {
		ts := make([]int64, n)
		for i, v := range times {
			ts[i] = v * mul
		}
		return newRecord(t, col{"n", f64Arr(nums, nulls...)}, col{"c", strArr(cats, nulls...)}, col{"d", dictArr(cats, nulls...)},
			col{"b", boolPattern(n)}, col{"ts", tsArr(unit, zone, ts, nulls...)})
	}
	cyclic, err := NewPreprocessor([]Column{{Name: "ts", Kind: KindTime, Zone: "Asia/Tokyo", MissingIndicator: true},
		{Name: "n", Kind: KindNumeric, Mean: 1, Std: 2, Median: 3}})
	if err != nil {
		t.Fatal(err)
	}
	date, err := NewPreprocessor([]Column{{Name: "dt", Kind: KindDate, Calendar: &Calendar{Weekdays: []int{1, 2, 3, 5}, Months: []int{1, 2, 7}, Month: true}}})
	if err != nil {
		t.Fatal(err)
	}
	db := array.NewDate32Builder(mem)
	for _, v := range times {
		db.Append(arrow.Date32(v / 86400))
	}
	dates := newRecord(t, col{"dt", db.NewArray()})
	db.Release()
	// Sorted micros, several rows an hour, across 1970 and hour and day
	// boundaries (hourCache reuses an hour).
	sorted := make([]int64, n)
	for i := range sorted {
		sorted[i] = (int64(i)*613 - 2*86400 - 7) * 1e6
	}
	sortedRec := newRecord(t, col{"n", f64Arr(nums, nulls...)}, col{"c", strArr(cats, nulls...)}, col{"d", dictArr(cats, nulls...)},
		col{"b", boolPattern(n)}, col{"ts", tsArr(arrow.Microsecond, "-03:00", sorted, nulls...)})
	return map[string]struct {
		pre *Preprocessor
		rec arrow.Record
	}{
		"sorted micros":        {fit("-03:00", false), sortedRec},
		"naive seconds":        {fit("", false), rec("", arrow.Second, 1)},
		"UTC micros":           {fit("UTC", false), rec("UTC", arrow.Microsecond, 1e6)},
		"fixed offset millis":  {fit("+05:30", false), rec("+05:30", arrow.Millisecond, 1e3)},
		"negative offset":      {fit("-03:00", false), rec("-03:00", arrow.Nanosecond, 1e9)},
		"Chicago":              {fit("America/Chicago", false), rec("America/Chicago", arrow.Second, 1)},
		"naive with month":     {fit("", true), rec("", arrow.Second, 1)},
		"cyclic (version 1)":   {cyclic, rec("Asia/Tokyo", arrow.Second, 1)},
		"date with month only": {date, dates},
	}
}

func boolPattern(n int) arrow.Array {
	b := array.NewBooleanBuilder(mem)
	defer b.Release()
	for i := range n {
		if i%11 == 4 {
			b.AppendNull()
		} else {
			b.Append(i%3 == 0)
		}
	}
	return b.NewArray()
}

// TransformSparse gives exactly Transform's features, with strictly
// ascending indexes per row.
func TestTransformSparseMatchesTransform(t *testing.T) {
	for name, c := range sparseCases(t) {
		t.Run(name, func(t *testing.T) {
			rows := int(c.rec.NumRows())
			want, err := c.pre.Transform(c.rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, span := range [][2]int{{0, rows}, {1, 7}, {5, 5}} {
				sr, err := c.pre.TransformSparse(c.rec, span[0], span[1], SparseRows{})
				if err != nil {
					t.Fatal(err)
				}
				w := c.pre.NumFeatures()
				if sr.Rows != span[1]-span[0] || sr.Width != c.pre.SparseWidth() {
					t.Fatalf("%d rows of width %d", sr.Rows, sr.Width)
				}
				got := sr.Dense(w, nil)
				for i, v := range want[span[0]*w : span[1]*w] {
					if math.Float32bits(v) != math.Float32bits(got[i]) {
						t.Fatalf("rows %v: row %d feature %s: sparse %v, dense %v", span, span[0]+i/w,
							c.pre.FeatureNames()[i%w], got[i], v)
					}
				}
				for r := range sr.Rows {
					idx, _ := sr.row(r)
					for j := 1; j < len(idx); j++ {
						if idx[j] <= idx[j-1] || idx[j] >= int32(w) {
							t.Fatalf("row %d: indexes %v", r, idx)
						}
					}
				}
			}
		})
	}
}

func TestTransformSparseErrors(t *testing.T) {
	train := newRecord(t, col{"x", f64Arr([]float64{1, 2})}, col{"ts", tsArr(arrow.Second, "UTC", []int64{1, 2})})
	p, err := Fit([]string{"x", "ts"}, FitConfig{}, train)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]arrow.Record{
		"missing column": newRecord(t, col{"ts", tsArr(arrow.Second, "UTC", []int64{1})}),
		"wrong type":     newRecord(t, col{"x", strArr([]string{"a"})}, col{"ts", tsArr(arrow.Second, "UTC", []int64{1})}),
		"zone changed":   newRecord(t, col{"x", f64Arr([]float64{1})}, col{"ts", tsArr(arrow.Second, "Europe/Paris", []int64{1})}),
	}
	for name, rec := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := p.TransformSparse(rec, 0, 1, SparseRows{}); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("got %v, want ErrInvalidInput", err)
			}
		})
	}
	if _, err := p.TransformSparse(train, 1, 3, SparseRows{}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("rows out of range: got %v", err)
	}
}

// strIndex finds exactly the values of its list, short and long ones, and
// nothing else.
func TestStrIndex(t *testing.T) {
	vals := []string{"", "a", "ATL", "SFO", "1234567", "12345678", "a much longer value", "\x00", "\x00\x00"}
	x := newStrIndex(vals)
	for i, v := range vals {
		if p, ok := x.get(v); !ok || p != int32(i) {
			t.Errorf("%q: %d %v, want %d", v, p, ok, i)
		}
	}
	for _, v := range []string{"b", "AT", "ATL ", "123456", "123456789", "a much longer valuE", "\x00\x00\x00"} {
		if p, ok := x.get(v); ok {
			t.Errorf("%q found at %d", v, p)
		}
	}
	// getBytes gives get's answers wherever the value lies in its buffer:
	// with 8 bytes after its start (one load) and at the buffer's end
	for _, v := range append(vals, "b", "AT", "ATL ", "123456", "123456789", "\x00\x00\x00") {
		want, wantOK := x.get(v)
		for _, buf := range []string{"xx" + v + "yyyyyyyy", "xx" + v} {
			p, ok := x.getBytes([]byte(buf), 2, 2+len(v))
			if p != want || ok != wantOK {
				t.Errorf("getBytes %q in %q: %d %v, get %d %v", v, buf, p, ok, want, wantOK)
			}
		}
	}
	many := make([]string, 300)
	for i := range many {
		many[i] = fmt.Sprintf("K%d", i)
	}
	y := newStrIndex(many)
	for i, v := range many {
		if p, ok := y.get(v); !ok || p != int32(i) {
			t.Fatalf("%q: %d %v", v, p, ok)
		}
	}
}
