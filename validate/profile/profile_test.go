package profile

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate/internal/vtest"
)

// column profiles one array built from JSON (arrow's JSON reader).
func column(t *testing.T, dt arrow.DataType, js string) ColumnResult {
	t.Helper()
	arr, _, err := array.FromJSON(memory.DefaultAllocator, dt, strings.NewReader(js))
	if err != nil {
		t.Fatalf("building %s from %s: %v", dt, js, err)
	}
	defer arr.Release()
	c := NewColumn("c", dt, Options{})
	if err := c.Add(arr); err != nil {
		t.Fatal(err)
	}
	return c.Result(ResultOptions{Quantiles: []float64{0.5}})
}

func TestColumnExact(t *testing.T) {
	ts := &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "America/New_York"}
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name string
		dt   arrow.DataType
		js   string
		want func(t *testing.T, r ColumnResult)
	}{
		{"int64 with nulls", arrow.PrimitiveTypes.Int64, `[3, null, -2, 0, 3, 10]`, func(t *testing.T, r ColumnResult) {
			n := r.Numeric
			vtest.Eq(t, "count/nulls", [2]int64{r.Count, r.Nulls}, [2]int64{5, 1})
			vtest.Eq(t, "min/max/sum", [3]float64{n.Min, n.Max, n.Sum}, [3]float64{-2, 10, 14})
			vtest.Eq(t, "zeros/neg", [2]int64{n.Zeros, n.Negatives}, [2]int64{1, 1})
			vtest.Eq(t, "mean", n.Mean, 2.8)
			// sample variance of 3,-2,0,3,10 by hand: Σ(x-2.8)² = 82.8, /4
			vtest.Near(t, "variance", n.Variance, 20.7, 1e-12)
			vtest.Eq(t, "median", n.Quantiles[0].Value, 3.0)
			vtest.Eq(t, "distinct", [2]any{r.Distinct, r.DistinctExact}, [2]any{int64(4), true})
			vtest.Eq(t, "top", r.TopK[0], ValueCount{"3", 2})
		}},
		{"float64 NaN Inf", arrow.PrimitiveTypes.Float64, `[1.5, "NaN", "Inf", "-Inf", null, -0.0, 2.5]`, func(t *testing.T, r ColumnResult) {
			n := r.Numeric
			vtest.Eq(t, "count/nulls", [2]int64{r.Count, r.Nulls}, [2]int64{6, 1})
			vtest.Eq(t, "nan/inf", [4]int64{n.Finite, n.NaN, n.PosInf, n.NegInf}, [4]int64{3, 1, 1, 1})
			vtest.Eq(t, "min/max/mean", [3]float64{n.Min, n.Max, n.Mean}, [3]float64{0, 2.5, 4.0 / 3})
			vtest.Eq(t, "zeros/neg", [2]int64{n.Zeros, n.Negatives}, [2]int64{1, 0})
		}},
		{"empty", arrow.PrimitiveTypes.Float64, `[]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "count/nulls", [2]int64{r.Count, r.Nulls}, [2]int64{0, 0})
			vtest.Eq(t, "quantiles", len(r.Numeric.Quantiles), 0)
		}},
		{"all null", arrow.BinaryTypes.String, `[null, null]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "count/nulls/distinct", [3]int64{r.Count, r.Nulls, r.Distinct}, [3]int64{0, 2, 0})
		}},
		{"string", arrow.BinaryTypes.String, `["b", "a", null, "ccc", "b", ""]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "count/distinct", [2]int64{r.Count, r.Distinct}, [2]int64{5, 4})
			vtest.Eq(t, "lengths", *r.Lengths, LengthResult{Min: 0, Mean: 1.2, Max: 3})
			vtest.Eq(t, "top", r.TopK[0], ValueCount{"b", 2})
		}},
		{"bool", arrow.FixedWidthTypes.Boolean, `[true, false, null, true]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "top", r.TopK, []ValueCount{{"true", 2}, {"false", 1}})
		}},
		{"uint8", arrow.PrimitiveTypes.Uint8, `[255, 0, 7]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "min/max", [2]float64{r.Numeric.Min, r.Numeric.Max}, [2]float64{0, 255})
		}},
		{"float16", arrow.FixedWidthTypes.Float16, `[0.5, -1.5, null]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "sum/neg", [2]float64{r.Numeric.Sum, float64(r.Numeric.Negatives)}, [2]float64{-1, 1})
		}},
		{"decimal128", &arrow.Decimal128Type{Precision: 10, Scale: 2}, `["1.25", "-3.50", null]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "min/max", [2]float64{r.Numeric.Min, r.Numeric.Max}, [2]float64{-3.5, 1.25})
		}},
		{"timestamp zone", ts, `["2024-03-10T06:59:00Z", "2024-03-10T07:01:00Z", null]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "min", r.TimeRange.Min, time.Date(2024, 3, 10, 1, 59, 0, 0, ny))
			vtest.Eq(t, "max", r.TimeRange.Max, time.Date(2024, 3, 10, 3, 1, 0, 0, ny))
			vtest.Eq(t, "zone", r.TimeRange.Max.Location().String(), "America/New_York")
		}},
		{"date32", arrow.FixedWidthTypes.Date32, `["2001-01-02", "2000-12-31"]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "range", *r.TimeRange, TimeRange{time.Date(2000, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2001, 1, 2, 0, 0, 0, 0, time.UTC)})
		}},
		{"fixed size binary", &arrow.FixedSizeBinaryType{ByteWidth: 2}, `["AAE=", "AP8=", "AAE="]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "top", r.TopK[0], ValueCount{"\x00\x01", 2})
			vtest.Eq(t, "distinct", r.Distinct, int64(2))
		}},
		{"list", arrow.ListOf(arrow.PrimitiveTypes.Int32), `[[1, 2], null, []]`, func(t *testing.T, r ColumnResult) {
			vtest.Eq(t, "count/nulls", [2]int64{r.Count, r.Nulls}, [2]int64{2, 1})
			vtest.Eq(t, "kind", r.Kind, "other")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.want(t, column(t, tc.dt, tc.js)) })
	}
}

func TestColumnDictionary(t *testing.T) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(memory.DefaultAllocator, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	for _, s := range []string{"JFK", "LAX", "JFK", "", "JFK"} {
		if err := b.AppendString(s); err != nil {
			t.Fatal(err)
		}
	}
	b.AppendNull()
	arr := b.NewArray()
	defer arr.Release()
	c := NewColumn("airport", dt, Options{})
	sl := array.NewSlice(arr, 1, 6) // offset slice: LAX JFK "" JFK null
	defer sl.Release()
	if err := c.Add(sl); err != nil {
		t.Fatal(err)
	}
	r := c.Result(ResultOptions{})
	vtest.Eq(t, "count/nulls/distinct", [3]int64{r.Count, r.Nulls, r.Distinct}, [3]int64{4, 1, 3})
	vtest.Eq(t, "top", r.TopK[0], ValueCount{"JFK", 2})
	vtest.Eq(t, "lengths", *r.Lengths, LengthResult{Min: 0, Mean: 2.25, Max: 3})
}

func TestAddSchemaMismatch(t *testing.T) {
	p := New(vtest.MixedSchema, Options{})
	rec := vtest.FloatRecord([]float64{1})
	defer rec.Release()
	if err := p.Add(rec); !errors.Is(err, ErrSchemaMismatch) {
		t.Errorf("Add: %v, want ErrSchemaMismatch", err)
	}
}

// TestMergeEqualsConcat profiles 60k mixed rows whole and as 7 uneven parts
// merged forward and backward.
func TestMergeEqualsConcat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sizes := []int{1, 9000, 20000, 0, 7000, 15000, 8999}
	whole := New(vtest.MixedSchema, Options{TopKCapacity: 16})
	var parts []*Profile
	start := 0
	for _, n := range sizes {
		rec := vtest.GenRecord(rng, start, n)
		start += n
		p := New(vtest.MixedSchema, Options{TopKCapacity: 16})
		for _, q := range []*Profile{whole, p} {
			if err := q.Add(rec); err != nil {
				t.Fatal(err)
			}
		}
		rec.Release()
		parts = append(parts, p)
	}
	fwd, rev := New(vtest.MixedSchema, Options{TopKCapacity: 16}), New(vtest.MixedSchema, Options{TopKCapacity: 16})
	for i := range parts {
		mustMerge(t, fwd, parts[i])
		mustMerge(t, rev, parts[len(parts)-1-i])
	}
	want := whole.Result(ResultOptions{})
	for _, m := range []*Profile{fwd, rev} {
		got := m.Result(ResultOptions{})
		sameResult(t, got, want)
	}
}

func mustMerge(t *testing.T, p, o *Profile) {
	t.Helper()
	if err := p.Merge(o); err != nil {
		t.Fatal(err)
	}
}

// sameResult compares exact statistics exactly, floating sums to 1e-9 and
// sketch answers within their error.
func sameResult(t *testing.T, got, want Result) {
	t.Helper()
	vtest.Eq(t, "rows", got.Rows, want.Rows)
	for i, g := range got.Columns {
		w := want.Columns[i]
		vtest.Eq(t, g.Name+" count/nulls", [2]int64{g.Count, g.Nulls}, [2]int64{w.Count, w.Nulls})
		vtest.Eq(t, g.Name+" exactness", [2]bool{g.DistinctExact, g.TopKExact}, [2]bool{w.DistinctExact, w.TopKExact})
		if w.DistinctExact {
			vtest.Eq(t, g.Name+" distinct", g.Distinct, w.Distinct)
		} else {
			vtest.Near(t, g.Name+" distinct", float64(g.Distinct), float64(w.Distinct), 0.02*float64(w.Distinct))
		}
		if w.TopKExact {
			vtest.Eq(t, g.Name+" top", g.TopK, w.TopK)
		}
		vtest.Eq(t, g.Name+" lengths", g.Lengths, w.Lengths)
		vtest.Eq(t, g.Name+" time range", g.TimeRange, w.TimeRange)
		if gn, wn := g.Numeric, w.Numeric; wn != nil {
			vtest.Eq(t, g.Name+" counts", [6]int64{gn.Finite, gn.NaN, gn.PosInf, gn.NegInf, gn.Zeros, gn.Negatives},
				[6]int64{wn.Finite, wn.NaN, wn.PosInf, wn.NegInf, wn.Zeros, wn.Negatives})
			vtest.Eq(t, g.Name+" min/max", [2]float64{gn.Min, gn.Max}, [2]float64{wn.Min, wn.Max})
			for _, f := range [][2]float64{{gn.Sum, wn.Sum}, {gn.Mean, wn.Mean}, {gn.Variance, wn.Variance}} {
				vtest.Near(t, g.Name+" moments", f[0], f[1], 1e-9*math.Max(1, math.Abs(f[1])))
			}
		}
	}
}

func TestProfileJSONRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	p := New(vtest.MixedSchema, Options{TopKCapacity: 8})
	for i := range 3 {
		rec := vtest.GenRecord(rng, i*20000, 20000)
		if err := p.Add(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Profile
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if got, want := back.Result(ResultOptions{}), p.Result(ResultOptions{}); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the result:\n got %+v\nwant %+v", got, want)
	}
	again, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Error("re-encoding a loaded profile changed its JSON")
	}
	if !strings.HasPrefix(string(data), `{"version":1,`) {
		t.Errorf("JSON starts %.40s, want a version 1 header", data)
	}
	// The loaded profile keeps accumulating and merging.
	rec := vtest.GenRecord(rng, 60000, 100)
	defer rec.Release()
	if err := back.Add(rec); err != nil {
		t.Fatal(err)
	}
	if err := back.Merge(p); err != nil {
		t.Fatal(err)
	}
}

func TestProfileJSONCorrupt(t *testing.T) {
	for name, js := range map[string]string{
		"not json":      `{`,
		"version":       `{"version":2}`,
		"schema":        `{"version":1,"schema_ipc":"AAAA"}`,
		"quantile sums": "", // filled below
	} {
		if name == "quantile sums" {
			p := New(arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil), Options{})
			data, _ := json.Marshal(p)
			js = strings.Replace(string(data), `"n":0`, `"n":5`, 1)
		}
		if _, err := Decode([]byte(js)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

func TestDistinctAccuracy(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}, {Name: "i", Type: arrow.PrimitiveTypes.Int64}}, nil)
	for _, n := range []int{100_000, 1_000_000, 3_000_000} {
		if n > 1_000_000 && testing.Short() {
			continue
		}
		p := New(schema, Options{})
		sb := array.NewStringBuilder(memory.DefaultAllocator)
		ib := array.NewInt64Builder(memory.DefaultAllocator)
		for s := 0; s < n; s += 65536 {
			for i := s; i < min(s+65536, n); i++ {
				sb.Append("v" + strconvItoa(i))
				ib.Append(int64(i) * 7919)
			}
			sa, ia := sb.NewArray(), ib.NewArray()
			rec := array.NewRecord(schema, []arrow.Array{sa, ia}, int64(sa.Len()))
			if err := p.Add(rec); err != nil {
				t.Fatal(err)
			}
			rec.Release()
			sa.Release()
			ia.Release()
		}
		sb.Release()
		ib.Release()
		for _, c := range p.Result(ResultOptions{}).Columns {
			rel := math.Abs(float64(c.Distinct)-float64(n)) / float64(n)
			t.Logf("%s: %d distinct, estimate %d, error %.3f %%", c.Name, n, c.Distinct, 100*rel)
			if rel > 0.02 {
				t.Errorf("%s: %d distinct, estimate %d (%.2f %% off)", c.Name, n, c.Distinct, 100*rel)
			}
		}
	}
}

func strconvItoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// TestTopKPruned checks the Misra-Gries bound on a skewed stream.
func TestTopKPruned(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	p := New(schema, Options{TopKCapacity: 32, ExactLimit: 128})
	exact := map[string]int64{}
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i := range 200_000 {
		s := "heavy" + strconvItoa(rng.IntN(5))
		if i%2 == 0 {
			s = "rare" + strconvItoa(rng.IntN(100_000))
		}
		exact[s]++
		b.Append(s)
	}
	arr := b.NewArray()
	defer arr.Release()
	rec := array.NewRecord(schema, []arrow.Array{arr}, int64(arr.Len()))
	defer rec.Release()
	if err := p.Add(rec); err != nil {
		t.Fatal(err)
	}
	c := p.Columns[0]
	if c.TopK.Exact() {
		t.Fatal("summary should have been pruned")
	}
	r := c.Result(ResultOptions{TopK: 5})
	for _, vc := range r.TopK {
		tru := exact[vc.Value]
		if !strings.HasPrefix(vc.Value, "heavy") || vc.Count > tru || vc.Count < tru-c.TopK.MaxError {
			t.Errorf("%s: count %d, true %d, max error %d", vc.Value, vc.Count, tru, c.TopK.MaxError)
		}
	}
	if c.TopK.MaxError > int64(200_000/33) {
		t.Errorf("max error %d above N/(k+1)", c.TopK.MaxError)
	}
}

func TestTopKLongValuesTruncated(t *testing.T) {
	long := strings.Repeat("x", 1000)
	r := column(t, arrow.BinaryTypes.String, `["`+long+`", "`+long+`y", "`+long+`"]`)
	vtest.Eq(t, "distinct", r.Distinct, int64(2)) // counted by full hash
	vtest.Eq(t, "top", r.TopK[0], ValueCount{long[:stats.MaxKeptValue], 2})
	vtest.Eq(t, "max length", r.Lengths.Max, int64(1001))
}

// TestDistinctCapped checks that a HyperLogLog distinct count never
// exceeds the number of values (it estimated about 20,043 distinct values
// among 20,000 once) and that it is exact while the counts are.
func TestDistinctCapped(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i := range 20_000 {
		b.Append("user-" + strconvItoa(i))
	}
	arr := b.NewArray()
	defer arr.Release()
	rec := array.NewRecord(schema, []arrow.Array{arr}, int64(arr.Len()))
	defer rec.Release()
	for _, tc := range []struct {
		limit int
		exact bool
	}{{1024, false}, {0, true}} {
		p := New(schema, Options{ExactLimit: tc.limit})
		if err := p.Add(rec); err != nil {
			t.Fatal(err)
		}
		r := p.Columns[0].Result(ResultOptions{})
		if r.DistinctExact != tc.exact || r.Distinct > 20_000 || r.Distinct < 19_600 || (tc.exact && r.Distinct != 20_000) {
			t.Errorf("limit %d: distinct %d (exact %v) of 20000 values", tc.limit, r.Distinct, r.DistinctExact)
		}
	}
}

// TestNumericExactFromCounts checks that a numeric column with few
// distinct values answers quantiles exactly from its counts even when the
// quantile sketch compacts (K 16), and says so; past NumericExactLimit it
// falls back to the sketch and states the sketch's rank error.
func TestNumericExactFromCounts(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	vals := make([]float64, 0, 10_000)
	for i := range 10_000 {
		v := int64(i*7919) % 101
		b.Append(v)
		vals = append(vals, float64(v))
	}
	arr := b.NewArray()
	defer arr.Release()
	rec := array.NewRecord(schema, []arrow.Array{arr}, int64(arr.Len()))
	defer rec.Release()
	sorted := slices.Sorted(slices.Values(vals))
	for _, tc := range []struct {
		limit int
		exact bool
	}{{0, true}, {50, false}} {
		p := New(schema, Options{QuantileK: 16, NumericExactLimit: tc.limit})
		if err := p.Add(rec); err != nil {
			t.Fatal(err)
		}
		n := p.Columns[0].Result(ResultOptions{}).Numeric
		if n.Exact != tc.exact || (n.RankError == 0) != tc.exact {
			t.Fatalf("limit %d: exact %v, rank error %g", tc.limit, n.Exact, n.RankError)
		}
		if !tc.exact {
			continue
		}
		for _, q := range n.Quantiles {
			// the inverted-CDF quantile: the smallest value with rank >= p·n
			want := sorted[max(int(math.Ceil(q.P*float64(len(sorted))))-1, 0)]
			if q.Value != want {
				t.Errorf("p%g = %g, want %g", 100*q.P, q.Value, want)
			}
		}
	}
}
