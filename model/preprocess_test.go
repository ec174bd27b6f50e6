package model

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/refit-ml/refit/stats"
)

func TestFitNumeric(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name                  string
		arr                   arrow.Array
		median, mean, std     float64
		indicator             bool
		wantFeatures, wantRow []float32 // row: the features of row 2
	}{
		{
			// present 1, 2, 4 → median 2; imputed 1 2 2 2 4 → mean 2.2,
			// population std sqrt(4.8/5) (numpy.std([1,2,2,2,4])).
			name: "float64 with null and NaN", arr: f64Arr([]float64{1, 2, 0, nan, 4}, 2),
			median: 2, mean: 2.2, std: math.Sqrt(0.96), indicator: true,
			wantRow: []float32{float32(-0.2 / math.Sqrt(0.96)), 1},
		},
		{
			// even count: median is the mean of the two middle values.
			name: "int64 without missing", arr: i64Arr([]int64{4, 1, 3, 2}),
			median: 2.5, mean: 2.5, std: math.Sqrt(1.25),
			wantRow: []float32{float32(0.5 / math.Sqrt(1.25))},
		},
		{
			name: "constant gets std 1", arr: i64Arr([]int64{7, 7, 7}),
			median: 7, mean: 7, std: 1, wantRow: []float32{0},
		},
		{
			name: "all missing", arr: f64Arr([]float64{0, nan, math.Inf(1)}, 0),
			median: 0, mean: 0, std: 1, indicator: true, wantRow: []float32{0, 1},
		},
		{
			// decimal128(9, 2): 1.50 2.50 null 3.50 → median 2.5.
			name: "decimal128", arr: func() arrow.Array {
				b := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 9, Scale: 2})
				defer b.Release()
				b.AppendValues([]decimal128.Num{decimal128.FromI64(150), decimal128.FromI64(250), {}, decimal128.FromI64(350)},
					[]bool{true, true, false, true})
				return b.NewArray()
			}(),
			median: 2.5, mean: 2.5, std: math.Sqrt(0.5), indicator: true,
			wantRow: []float32{0, 1},
		},
		{
			name: "uint8", arr: func() arrow.Array {
				b := array.NewUint8Builder(mem)
				defer b.Release()
				b.AppendValues([]uint8{10, 20, 30}, nil)
				return b.NewArray()
			}(),
			median: 20, mean: 20, std: math.Sqrt(200.0 / 3), wantRow: []float32{float32(10 / math.Sqrt(200.0/3))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecord(t, col{"x", tt.arr})
			p, err := Fit([]string{"x"}, FitConfig{}, rec)
			if err != nil {
				t.Fatal(err)
			}
			c := p.Columns()[0]
			if c.Kind != KindNumeric || !near(c.Median, tt.median, 1e-12) || !near(c.Mean, tt.mean, 1e-12) ||
				!near(c.Std, tt.std, 1e-12) || c.MissingIndicator != tt.indicator {
				t.Fatalf("fitted %+v, want median %v mean %v std %v indicator %v",
					c, tt.median, tt.mean, tt.std, tt.indicator)
			}
			x, err := p.Transform(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			w := p.NumFeatures()
			nearSlice(t, x[2*w:3*w], tt.wantRow, 1e-6)
		})
	}
}

func TestFitCategorical(t *testing.T) {
	train := []string{"b", "a", "b", "", "c", "a", "b"} // "" at 3 is null
	tests := []struct {
		name string
		arr  func(vals []string, null ...int) arrow.Array
	}{
		{"string", strArr},
		{"dictionary", dictArr},
		{"large_string", func(vals []string, null ...int) arrow.Array {
			b := array.NewLargeStringBuilder(mem)
			defer b.Release()
			b.AppendValues(vals, valid(len(vals), null...))
			return b.NewArray()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Fit([]string{"s"}, FitConfig{TopK: 2}, newRecord(t, col{"s", tt.arr(train, 3)}))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := p.FeatureNames(), []string{"s=b", "s=a", "s#other", "s#missing"}; !slices.Equal(got, want) {
				t.Fatalf("features %q, want %q", got, want)
			}
			rec := newRecord(t, col{"s", tt.arr([]string{"a", "c", "zz", "", "b"}, 3)})
			x, err := p.Transform(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := []float32{
				0, 1, 0, 0, // a
				0, 0, 1, 0, // c: fitted but not in the top 2 → other
				0, 0, 1, 0, // unseen → other
				0, 0, 0, 1, // null → missing
				1, 0, 0, 0, // b
			}
			nearSlice(t, x, want, 0)
		})
	}
}

func TestFitCategoricalTiesAndBool(t *testing.T) {
	p, err := Fit([]string{"s"}, FitConfig{TopK: 1}, newRecord(t, col{"s", strArr([]string{"b", "a", "a", "b"})}))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Columns()[0].Categories; !slices.Equal(got, []string{"a"}) {
		t.Fatalf("tie broken to %q, want [a]", got)
	}
	bb := array.NewBooleanBuilder(mem)
	bb.AppendValues([]bool{true, true, false, false}, []bool{true, true, true, false})
	rec := newRecord(t, col{"b", bb.NewArray()})
	bb.Release()
	p, err = Fit([]string{"b"}, FitConfig{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.Transform(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.FeatureNames(); !slices.Equal(got, []string{"b=true", "b=false", "b#other", "b#missing"}) {
		t.Fatalf("features %q", got)
	}
	nearSlice(t, x, []float32{1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}, 0)
}

// 2024-03-15 13:30:00 UTC, a Friday (Python: datetime(2024,3,15,13,30,
// tzinfo=timezone.utc).timestamp() == 1710509400, weekday() == 4 (Mon=0)).
const friday = 1710509400

// cyclic is the expected encoding: sin/cos of hour/24, weekday/7 (Sunday
// 0) and month index/12.
func cyclic(hour, weekday, month float64) []float32 {
	var out []float32
	for _, f := range []float64{hour / 24, weekday / 7, month / 12} {
		s, c := math.Sincos(2 * math.Pi * f)
		out = append(out, float32(s), float32(c))
	}
	return out
}

// Columns without a Calendar (format version 1) keep the sin/cos
// encoding.
func TestTimeFeaturesCyclic(t *testing.T) {
	tests := []struct {
		name string
		unit arrow.TimeUnit
		zone string
		mul  int64
		want []float32
	}{
		{"seconds naive", arrow.Second, "", 1, cyclic(13.5, 5, 2)},
		{"millis UTC", arrow.Millisecond, "UTC", 1e3, cyclic(13.5, 5, 2)},
		{"micros fixed offset", arrow.Microsecond, "+05:30", 1e6, cyclic(19, 5, 2)},
		// New York is on EDT (UTC-4) since 2024-03-10.
		{"nanos New York", arrow.Nanosecond, "America/New_York", 1e9, cyclic(9.5, 5, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecord(t, col{"ts", tsArr(tt.unit, tt.zone, []int64{friday * tt.mul, 0}, 1)})
			p, err := NewPreprocessor([]Column{{Name: "ts", Kind: KindTime, Zone: tt.zone, MissingIndicator: true}})
			if err != nil {
				t.Fatal(err)
			}
			x, err := p.Transform(rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := append(append([]float32{}, tt.want...), 0) // indicator 0
			want = append(want, 0, 0, 0, 0, 0, 0, 1)           // null row
			nearSlice(t, x, want, 1e-6)
		})
	}
}

func TestDateFeaturesCyclic(t *testing.T) {
	b := array.NewDate32Builder(mem)
	b.AppendValues([]arrow.Date32{19797}, nil) // 2024-03-15
	rec := newRecord(t, col{"d", b.NewArray()})
	b.Release()
	p, err := NewPreprocessor([]Column{{Name: "d", Kind: KindDate}})
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.Transform(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	nearSlice(t, x, cyclic(0, 5, 2)[2:], 1e-6)
	if got := p.FeatureNames(); !slices.Equal(got, []string{"d#dow_sin", "d#dow_cos", "d#month_sin", "d#month_cos"}) {
		t.Fatalf("features %q", got)
	}
}

func TestTransformErrors(t *testing.T) {
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
			if _, err := p.Transform(rec, nil); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("got %v, want ErrInvalidInput", err)
			}
		})
	}
	if _, err := Fit([]string{"x"}, FitConfig{}, newRecord(t, col{"x", f64Arr([]float64{1})}),
		newRecord(t, col{"x", strArr([]string{"a"})})); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("fitting mixed types: got %v, want ErrInvalidInput", err)
	}
}

// Fitting batch by batch, or merging fitters, equals fitting one batch.
func TestFitStreamingAndMerge(t *testing.T) {
	vals := []float64{5, 3, 9, 1, 7, 2, 8}
	cats := []string{"x", "y", "x", "z", "y", "x", ""}
	times := []int64{friday, friday + 400*86400, friday - 3*3600, 0, friday + 50*86400, friday + 7200, friday}
	whole := newRecord(t, col{"n", f64Arr(vals, 1)}, col{"c", strArr(cats, 6)}, col{"ts", tsArr(arrow.Second, "Asia/Tokyo", times, 3)})
	parts := []arrow.Record{whole.NewSlice(0, 3), whole.NewSlice(3, 7)}
	for _, p := range parts {
		defer p.Release()
	}
	names := []string{"n", "c", "ts"}
	cfg := FitConfig{TopK: 2}
	want, err := Fit(names, cfg, whole)
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := Fit(names, cfg, parts...)
	if err != nil {
		t.Fatal(err)
	}
	f1, _ := NewFitter(names, cfg)
	f2, _ := NewFitter(names, cfg)
	if err := errors.Join(f1.Add(parts[0]), f2.Add(parts[1]), f1.Merge(f2)); err != nil {
		t.Fatal(err)
	}
	merged, err := f1.Preprocessor()
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]*Preprocessor{"streamed": streamed, "merged": merged} {
		g, w := got.Columns(), want.Columns()
		if !near(g[0].Mean, w[0].Mean, 1e-12) || !near(g[0].Std, w[0].Std, 1e-12) || g[0].Median != w[0].Median ||
			!slices.Equal(g[0].Range, w[0].Range) || !slices.Equal(g[1].Categories, w[1].Categories) ||
			!slices.Equal(g[1].Rare, w[1].Rare) || g[1].Complete != w[1].Complete || !reflect.DeepEqual(g[2], w[2]) {
			t.Errorf("%s: got %+v, want %+v", name, g, w)
		}
	}
}

func TestTransformRowsMatchesTransform(t *testing.T) {
	rec := newRecord(t, col{"n", f64Arr([]float64{1, 2, 3, 4, 5}, 2)}, col{"c", strArr([]string{"a", "b", "a", "c", "a"})})
	p, err := Fit([]string{"c", "n"}, FitConfig{}, rec)
	if err != nil {
		t.Fatal(err)
	}
	all, err := p.Transform(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := p.NumFeatures()
	part, err := p.TransformRows(rec, 1, 4, make([]float32, 100))
	if err != nil {
		t.Fatal(err)
	}
	nearSlice(t, part, all[w:4*w], 0)
	if _, err := p.TransformRows(rec, 3, 9, nil); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("rows out of range: got %v", err)
	}
}

func TestSketchMedian(t *testing.T) {
	orders := map[string]func(i, n int) float64{
		"strided":    func(i, n int) float64 { return float64((i * 7919) % n) }, // a permutation of 0..n-1
		"ascending":  func(i, n int) float64 { return float64(i) },
		"descending": func(i, n int) float64 { return float64(n - 1 - i) },
	}
	const exactBelow = 4 * medianK
	for name, value := range orders {
		for _, n := range []int{1, 2, 3, exactBelow - 1, exactBelow, 10 * exactBelow, 300_007} {
			// Add the first third to one sketch and the rest to another,
			// in chunks as Fitter does, then merge as Fitter.Merge does.
			s, o := stats.NewQuantiles(medianK), stats.NewQuantiles(medianK)
			for lo := 0; lo < n; lo += chunkLen {
				var chunk []float64
				for i := lo; i < min(lo+chunkLen, n); i++ {
					chunk = append(chunk, value(i, n))
				}
				split := min(max(n/3-lo, 0), len(chunk))
				s.Update(chunk[:split])
				o.Update(chunk[split:])
			}
			s.Merge(o)
			got := sketchMedian(s)
			want := float64(n-1) / 2
			tol := 0.0
			if n >= exactBelow {
				tol = 0.001 * float64(n) // rank error under 0.1%
			}
			if !near(got, want, tol) || s.Exact() != (n < exactBelow) {
				t.Errorf("%s n=%d: median %v, want %v ± %v (exact %v)", name, n, got, want, tol, s.Exact())
			}
		}
	}
}

func TestNewPreprocessorRejects(t *testing.T) {
	bad := map[string][]Column{
		"empty name":      {{Kind: KindNumeric, Std: 1}},
		"zero std":        {{Name: "a", Kind: KindNumeric}},
		"NaN mean":        {{Name: "a", Kind: KindNumeric, Std: 1, Mean: math.NaN()}},
		"unknown kind":    {{Name: "a", Kind: "blob"}},
		"duplicate col":   {{Name: "a", Kind: KindDate}, {Name: "a", Kind: KindDate}},
		"duplicate value": {{Name: "a", Kind: KindCategorical, Categories: []string{"x", "x"}}},
		"bad zone":        {{Name: "a", Kind: KindTime, Zone: "Mars/Olympus"}},
		"bad offset":      {{Name: "a", Kind: KindTime, Zone: "+99:99"}},
		"rare = category": {{Name: "a", Kind: KindCategorical, Categories: []string{"x"}, Rare: []string{"x"}}},
		"short range":     {{Name: "a", Kind: KindNumeric, Std: 1, Range: []float64{1}}},
		"inverted range":  {{Name: "a", Kind: KindNumeric, Std: 1, Range: []float64{2, 1}}},
		"NaN range":       {{Name: "a", Kind: KindNumeric, Std: 1, Range: []float64{math.NaN(), 1}}},
		"range on time":   {{Name: "a", Kind: KindTime, Range: []float64{1, 2}}},
		"rare on numeric": {{Name: "a", Kind: KindNumeric, Std: 1, Rare: []string{"x"}}},
		"hour 24":         {{Name: "a", Kind: KindTime, Calendar: &Calendar{Hours: []int{24}}}},
		"weekday 7":       {{Name: "a", Kind: KindTime, Calendar: &Calendar{Weekdays: []int{7}}}},
		"month 0":         {{Name: "a", Kind: KindTime, Calendar: &Calendar{Months: []int{0}}}},
		"unsorted hours":  {{Name: "a", Kind: KindTime, Calendar: &Calendar{Hours: []int{3, 2}}}},
		"negative days":   {{Name: "a", Kind: KindTime, Calendar: &Calendar{Days: -1}}},
		"hours on a date": {{Name: "a", Kind: KindDate, Calendar: &Calendar{Hours: []int{1}}}},
		"calendar on num": {{Name: "a", Kind: KindNumeric, Std: 1, Calendar: &Calendar{}}},
	}
	for name, cols := range bad {
		if _, err := NewPreprocessor(cols); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: got %v, want ErrInvalidInput", name, err)
		}
	}
}
