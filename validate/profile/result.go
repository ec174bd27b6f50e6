package profile

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/stats"
)

// DefaultQuantiles are the quantiles a result reports when none are asked.
var defaultQuantiles = []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}

// ResultOptions choose what Result derives from the sketches. The zero value
// gives the defaults.
type ResultOptions struct {
	// Quantiles to report. Defaults to p1, p5, p25, p50, p75, p95, p99.
	Quantiles []float64
	// Bins is the number of histogram bins (equal-width, or log or tail
	// bins for skewed columns). Defaults to 20.
	Bins int
	// QuantileBins is the number of equal-mass bins. Defaults to 10 (deciles).
	QuantileBins int
	// TopK is the number of most frequent values reported. Defaults to 20.
	TopK int
}

func (o ResultOptions) withDefaults() ResultOptions {
	if o.Quantiles == nil {
		o.Quantiles = defaultQuantiles
	}
	if o.Bins <= 0 {
		o.Bins = 20
	}
	if o.QuantileBins <= 0 {
		o.QuantileBins = 10
	}
	if o.TopK <= 0 {
		o.TopK = 20
	}
	return o
}

// Result is the readable summary of a [Profile].
type Result struct {
	Rows    int64          `json:"rows"`
	Columns []ColumnResult `json:"columns"`
}

// ColumnResult is the readable summary of one column. Sections that do not
// apply to the column's kind are nil.
type ColumnResult struct {
	Name          string         `json:"name"`
	Type          string         `json:"type"`
	Kind          string         `json:"kind"`
	Count         int64          `json:"count"`
	Nulls         int64          `json:"nulls"`
	Distinct      int64          `json:"distinct"`
	DistinctExact bool           `json:"distinct_exact"`
	Numeric       *NumericResult `json:"numeric,omitempty"`
	TimeRange     *TimeRange     `json:"time_range,omitempty"`
	Lengths       *LengthResult  `json:"lengths,omitempty"`
	TopK          []ValueCount   `json:"top_k,omitempty"`
	TopKExact     bool           `json:"top_k_exact"`
}

// NumericResult summarizes finite values; NaN and ±Inf are only counted.
type NumericResult struct {
	Finite    int64   `json:"finite"`
	NaN       int64   `json:"nan"`
	PosInf    int64   `json:"pos_inf"`
	NegInf    int64   `json:"neg_inf"`
	Zeros     int64   `json:"zeros"`
	Negatives int64   `json:"negatives"`
	Min       float64 `json:"min"`
	Max       float64 `json:"max"`
	Sum       float64 `json:"sum"`
	Mean      float64 `json:"mean"`
	Variance  float64 `json:"variance"`
	StdDev    float64 `json:"std_dev"`
	// Exact reports whether the quantiles and histograms are exact (the
	// column has at most Options.ExactLimit distinct values); else they
	// come from the quantile sketch and RankError bounds the rank of every
	// quantile and each histogram count as a fraction of Finite, at 99 %
	// confidence.
	Exact        bool            `json:"exact"`
	RankError    float64         `json:"quantile_rank_error"`
	Quantiles    []QuantileValue `json:"quantiles"`
	Histogram    Histogram       `json:"histogram"`
	QuantileBins Histogram       `json:"quantile_bins"`
}

// QuantileValue is one estimated quantile.
type QuantileValue struct {
	P     float64 `json:"p"`
	Value float64 `json:"value"`
}

// Histogram has len(Edges)-1 bins; bin i covers (Edges[i], Edges[i+1]], the
// first also Edges[0]. Counts are exact while the column's value counts are
// (see NumericResult.Exact), else estimated from the quantile sketch.
// The profile's histogram is readable rather than equal-width: a skewed
// column gets log bins or tail bins (see stats.SortedView.Readable).
type Histogram = stats.Histogram

// TimeRange is the range of a temporal column. Timestamps are in the
// column's zone (UTC when naive); dates at midnight UTC; times of day on
// 1970-01-01 UTC; durations from the zero time.
type TimeRange struct {
	Min time.Time `json:"min"`
	Max time.Time `json:"max"`
}

// LengthResult summarizes byte lengths of strings and binaries.
type LengthResult struct {
	Min  int64   `json:"min"`
	Mean float64 `json:"mean"`
	Max  int64   `json:"max"`
}

// ValueCount is a frequent value: strings as is, binaries as quoted Go
// strings, numbers in shortest decimal form, times in RFC 3339.
type ValueCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Result summarizes the profile.
func (p *Profile) Result(opts ResultOptions) Result {
	opts = opts.withDefaults()
	r := Result{Rows: p.Rows, Columns: make([]ColumnResult, len(p.Columns))}
	for i, c := range p.Columns {
		r.Columns[i] = c.Result(opts)
	}
	return r
}

// Result summarizes the column.
func (c *Column) Result(opts ResultOptions) ColumnResult {
	opts = opts.withDefaults()
	r := ColumnResult{Name: c.Name, Type: c.Type.String(), Kind: c.Kind.String(),
		Count: c.Count, Nulls: c.Nulls}
	if c.TopK != nil {
		r.Distinct, r.DistinctExact = c.DistinctCount()
		r.TopK, r.TopKExact = c.topValues(opts.TopK), c.TopK.Exact()
	}
	if c.Moments != nil {
		r.Numeric = c.numericResult(opts)
	}
	if c.Kind == KindTemporal && c.Moments.Count > 0 {
		r.TimeRange = &TimeRange{Min: c.TimeOf(c.IntRange.Min), Max: c.TimeOf(c.IntRange.Max)}
	}
	if c.Lengths != nil {
		l := c.Lengths
		r.Lengths = &LengthResult{Min: l.Min, Mean: l.Mean(), Max: l.Max}
	}
	return r
}

// distinct returns the distinct count and whether it is exact: the number
// of exact counters, else the HyperLogLog estimate, which never exceeds
// the number of values counted.
func (c *Column) DistinctCount() (int64, bool) {
	if !c.Distinct.Materialized() {
		return int64(c.TopK.Len()), true
	}
	return min(c.Distinct.Estimate(), c.TopK.N), false
}

func (c *Column) numericResult(opts ResultOptions) *NumericResult {
	m := c.Moments
	r := &NumericResult{Finite: m.Count, NaN: m.NaN, PosInf: m.PosInf, NegInf: m.NegInf,
		Zeros: m.Zeros, Negatives: m.Negatives, Min: m.Min, Max: m.Max, Sum: m.Sum,
		Mean: m.Mean, Variance: m.Variance(), StdDev: m.StdDev()}
	if m.Count == 0 {
		return r
	}
	v := c.SortedView()
	for _, p := range opts.Quantiles {
		r.Quantiles = append(r.Quantiles, QuantileValue{P: p, Value: v.Quantile(p)})
	}
	r.Exact, r.RankError = v.Exact(), v.RankError
	r.Histogram = v.Readable(opts.Bins)
	r.QuantileBins = v.EquiDepth(opts.QuantileBins)
	return r
}

// TimeOf converts a raw temporal value to a time.
func (c *Column) TimeOf(v int64) time.Time {
	switch t := c.Type.(type) {
	case *arrow.TimestampType:
		tm := arrow.Timestamp(v).ToTime(t.Unit)
		if loc, err := t.GetZone(); err == nil && loc != nil {
			return tm.In(loc)
		}
		return tm
	case *arrow.Date32Type:
		return arrow.Date32(v).ToTime()
	case *arrow.Date64Type:
		return arrow.Date64(v).ToTime()
	case *arrow.Time32Type:
		return arrow.Time32(v).ToTime(t.Unit)
	case *arrow.Time64Type:
		return arrow.Time64(v).ToTime(t.Unit)
	case *arrow.DurationType:
		return time.Time{}.Add(time.Duration(v) * t.Unit.Multiplier())
	}
	return time.Time{}
}

// topValues formats the n most frequent values.
func (c *Column) topValues(n int) []ValueCount {
	entries := c.TopK.Entries()
	out := make([]ValueCount, 0, min(n, len(entries)))
	for _, e := range entries[:min(n, len(entries))] {
		out = append(out, ValueCount{Value: c.FormatValue(e), Count: e.Count})
	}
	return out
}

func (c *Column) FormatValue(e stats.FreqEntry) string {
	switch c.Kind {
	case KindString:
		return string(e.Value)
	case KindBinary:
		if utf8.Valid(e.Value) {
			return string(e.Value)
		}
		return strconv.Quote(string(e.Value))
	case KindBool:
		return strconv.FormatBool(e.Key == 1)
	case KindFloat:
		return strconv.FormatFloat(math.Float64frombits(e.Key), 'g', -1, 64)
	case KindTemporal:
		return c.TimeOf(int64(e.Key)).Format(time.RFC3339Nano)
	}
	if c.Type.ID() == arrow.UINT64 {
		return strconv.FormatUint(e.Key, 10)
	}
	return strconv.FormatInt(int64(e.Key), 10)
}
