package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/stats"
)

// FitConfig configures fitting. The zero value uses the defaults.
type FitConfig struct {
	// TopK is the largest number of values of a categorical column that
	// get their own one-hot feature: the most frequent ones with at least
	// MinCount training rows; ties are broken by value. Defaults to 256.
	TopK int
	// MinCount is the number of training rows a categorical value needs
	// for its own one-hot feature; rarer values share "#other" (with the
	// values training never saw). Defaults to 1.
	MinCount int
	// MaxRare bounds the number of other distinct values of a categorical
	// column the fitted column lists as seen in training (Column.Rare), so
	// that out-of-range counts can tell rare values from unseen ones.
	// Beyond it the column is not Complete. Defaults to 1024.
	MaxRare int
	// MaxDistinct bounds the distinct values counted exactly per
	// categorical column. Beyond it the counts become a Misra-Gries
	// summary of the MaxDistinct/4 most frequent values (stats.TopK), so
	// counts of very high-cardinality columns are lower bounds and the
	// column is not Complete (heavy hitters stay). Defaults to 65536.
	MaxDistinct int
}

func (c FitConfig) withDefaults() FitConfig {
	if c.TopK <= 0 {
		c.TopK = 256
	}
	if c.MinCount <= 0 {
		c.MinCount = 1
	}
	if c.MaxRare <= 0 {
		c.MaxRare = 1024
	}
	if c.MaxDistinct <= 0 {
		c.MaxDistinct = 1 << 16
	}
	c.MaxDistinct = max(c.MaxDistinct, 4*c.TopK) // the summary keeps TopK values
	return c
}

// Fitter accumulates the statistics preprocessing needs over a stream of
// record batches, in one pass and bounded memory. Fitters over parts of a
// dataset can be merged. A Fitter is not safe for concurrent use; use one
// per goroutine and Merge them.
type Fitter struct {
	cfg  FitConfig
	accs []colAcc
}

// colAcc is the fitting state of one column.
type colAcc struct {
	name    string
	kind    Kind // "" until the first batch
	zone    string
	missing int64
	// numeric: moments (and range) of the present values and a median
	// sketch; buf collects a chunk of present values.
	moments stats.Moments
	sketch  *stats.Quantiles
	buf     []float64
	// categorical: value counts.
	counts *stats.TopK
	// time and date
	loc *time.Location
	cal calendarAcc
}

// NewFitter returns a Fitter for the named input columns; the features
// come out in this order. Column kinds follow the arrow types of the first
// batch. Errors wrap ErrInvalidInput.
func NewFitter(columns []string, cfg FitConfig) (*Fitter, error) {
	if len(columns) == 0 {
		return nil, fmt.Errorf("model: fit: %w: no columns", ErrInvalidInput)
	}
	if err := checkUnique("column", columns); err != nil {
		return nil, fmt.Errorf("model: fit: %w: %w", ErrInvalidInput, err)
	}
	f := &Fitter{cfg: cfg.withDefaults(), accs: make([]colAcc, len(columns))}
	for i, name := range columns {
		f.accs[i].name = name
	}
	return f, nil
}

// Add accumulates one batch. rec is only read during the call.
func (f *Fitter) Add(rec arrow.Record) error {
	for i := range f.accs {
		a := &f.accs[i]
		idx := rec.Schema().FieldIndices(a.name)
		if len(idx) != 1 {
			return fmt.Errorf("model: fit: %w: record has %d columns named %q, want 1",
				ErrInvalidInput, len(idx), a.name)
		}
		if err := a.add(rec.Column(idx[0]), f.cfg); err != nil {
			return fmt.Errorf("model: fit column %q: %w", a.name, err)
		}
	}
	return nil
}

func (a *colAcc) add(arr arrow.Array, cfg FitConfig) error {
	if err := a.setKind(arr.DataType(), cfg); err != nil {
		return err
	}
	n := arr.Len()
	switch a.kind {
	case KindNumeric:
		err := eachNumber(arr, 0, n, a.addNumber)
		a.flush()
		return err
	case KindCategorical:
		return eachString(arr, 0, n, a.addString)
	}
	c := Column{Name: a.name, Kind: a.kind, Zone: a.zone}
	return eachTime(arr, &c, a.loc, 0, n, func(_ int, t time.Time, ok bool) {
		if !ok {
			a.missing++
			return
		}
		a.cal.add(t)
	})
}

// setKind records the kind (and zone) of the first batch and checks that
// later batches agree.
func (a *colAcc) setKind(dt arrow.DataType, cfg FitConfig) error {
	k, err := kindOf(dt)
	if err != nil {
		return err
	}
	zone := ""
	if tt, ok := dt.(*arrow.TimestampType); ok {
		zone = tt.TimeZone
	}
	if a.kind == "" {
		return a.init(k, zone, cfg)
	}
	if k != a.kind || zone != a.zone {
		return fmt.Errorf("%w: type %s does not match earlier batches (%s, zone %q)",
			ErrInvalidInput, dt, a.kind, a.zone)
	}
	return nil
}

// init sets the kind and zone of the column and creates its accumulators.
func (a *colAcc) init(k Kind, zone string, cfg FitConfig) error {
	a.kind, a.zone = k, zone
	switch k {
	case KindNumeric:
		a.sketch = stats.NewQuantiles(medianK)
	case KindCategorical:
		a.counts = stats.NewTopK(cfg.MaxDistinct / 4)
		a.counts.MaxValue = math.MaxInt32 // categories are kept whole
	case KindTime:
		loc, err := loadZone(zone)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidInput, err)
		}
		a.loc = loc
	}
	return nil
}

// medianK is the capacity of the median sketch: exact below 4·medianK
// (16,384) values, rank error about 0.08 % beyond.
const medianK = 4 * stats.DefaultQuantileK

// chunkLen is the number of present values collected before they are
// added to the moments and the sketch.
const chunkLen = 4096

func (a *colAcc) addNumber(_ int, v float64, ok bool) {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		a.missing++
		return
	}
	a.buf = append(a.buf, v)
	if len(a.buf) == chunkLen {
		a.flush()
	}
}

// flush adds the collected values to the moments and the sketch.
func (a *colAcc) flush() {
	if len(a.buf) == 0 {
		return
	}
	m := stats.MomentsOf(a.buf)
	a.moments.Merge(&m)
	a.sketch.UpdateRange(a.buf, m.Min, m.Max)
	a.buf = a.buf[:0]
}

func (a *colAcc) addString(_ int, s string, ok bool) {
	if !ok {
		a.missing++
		return
	}
	a.counts.AddString(s, 1)
	if a.counts.Overflowing() {
		a.counts.Prune()
	}
}

type valueCount struct {
	value string
	count int64
}

// rankCounts sorts the counted values by count, descending, then by value.
func rankCounts(t *stats.TopK) []valueCount {
	entries := t.Entries()
	out := make([]valueCount, len(entries))
	for i, e := range entries {
		out[i] = valueCount{string(e.Value), e.Count}
	}
	slices.SortFunc(out, func(a, b valueCount) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	return out
}

// Merge adds the statistics of o, which must be for the same columns, into
// f. o is not modified. Merging in a fixed order gives deterministic
// results.
func (f *Fitter) Merge(o *Fitter) error {
	if len(o.accs) != len(f.accs) {
		return fmt.Errorf("model: merging fitters: %w: different columns", ErrInvalidInput)
	}
	for i := range f.accs {
		if err := f.accs[i].merge(&o.accs[i], f.cfg); err != nil {
			return fmt.Errorf("model: merging fitters: column %q: %w", f.accs[i].name, err)
		}
	}
	return nil
}

func (a *colAcc) merge(o *colAcc, cfg FitConfig) error {
	if a.name != o.name {
		return fmt.Errorf("%w: column %q vs %q", ErrInvalidInput, a.name, o.name)
	}
	if o.kind == "" {
		return nil
	}
	if a.kind == "" {
		if err := a.init(o.kind, o.zone, cfg); err != nil {
			return err
		}
	} else if a.kind != o.kind || a.zone != o.zone {
		return fmt.Errorf("%w: %s (zone %q) vs %s (zone %q)", ErrInvalidInput, a.kind, a.zone, o.kind, o.zone)
	}
	a.missing += o.missing
	a.moments.Merge(&o.moments)
	switch a.kind {
	case KindNumeric:
		a.sketch.Merge(o.sketch)
	case KindCategorical:
		a.counts.Merge(o.counts)
		if a.counts.Overflowing() {
			a.counts.Prune()
		}
	}
	a.cal.merge(&o.cal)
	return nil
}

// Preprocessor returns the fitted preprocessing. Every column must have
// been seen in at least one batch (zero rows is fine).
func (f *Fitter) Preprocessor() (*Preprocessor, error) {
	cols := make([]Column, len(f.accs))
	for i := range f.accs {
		c, err := f.accs[i].column(f.cfg)
		if err != nil {
			return nil, fmt.Errorf("model: fit column %q: %w", f.accs[i].name, err)
		}
		cols[i] = c
	}
	return NewPreprocessor(cols)
}

func (a *colAcc) column(cfg FitConfig) (Column, error) {
	c := Column{Name: a.name, Kind: a.kind, Zone: a.zone, MissingIndicator: a.missing > 0}
	switch a.kind {
	case "":
		return c, fmt.Errorf("%w: no batch seen", ErrInvalidInput)
	case KindNumeric:
		c.Median, c.Mean, c.Std = a.numericStats()
		if m := a.moments; m.Count > 0 {
			c.Range = []float64{m.Min, m.Max}
		}
	case KindCategorical:
		c.MissingIndicator = false // categorical always has a missing column
		a.categories(&c, cfg)
	case KindTime, KindDate:
		c.Calendar = a.cal.calendar(a.kind)
	}
	return c, nil
}

// categories sets the one-hot categories, the rare values and whether
// they list every value seen.
func (a *colAcc) categories(c *Column, cfg FitConfig) {
	ranked := rankCounts(a.counts)
	k := 0
	for k < len(ranked) && k < cfg.TopK && ranked[k].count >= int64(cfg.MinCount) {
		c.Categories = append(c.Categories, ranked[k].value)
		k++
	}
	rest := ranked[k:]
	c.Complete = a.counts.Exact() && len(rest) <= cfg.MaxRare
	for _, e := range rest[:min(len(rest), cfg.MaxRare)] {
		c.Rare = append(c.Rare, e.value)
	}
	slices.Sort(c.Rare)
}

// numericStats returns the median of the present values, and the mean and
// population standard deviation after imputing the median (std 0 → 1).
// The imputed values are folded into the moments analytically.
func (a *colAcc) numericStats() (median, mean, std float64) {
	median = sketchMedian(a.sketch) // 0 if every value was missing
	m := a.moments
	m.AddRepeated(median, a.missing)
	std = m.PopulationStdDev()
	if !finite(std) || std == 0 {
		std = 1
	}
	return median, m.Mean, std
}

// sketchMedian returns the median of the values in q, 0 when empty: the
// mean of the two middle values of an even count while q is exact, else
// the weighted lower median (the smallest retained value with half the
// weight at or below it).
func sketchMedian(q *stats.Quantiles) float64 {
	switch {
	case q.N == 0:
		return 0
	case !q.Exact():
		return q.Quantile(0.5)
	}
	v := slices.Clone(q.Levels[0])
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return v[n/2-1]/2 + v[n/2]/2
}

// Fit fits preprocessing for columns over the given batches. For a stream
// too large to hold, use a Fitter and Add each batch.
func Fit(columns []string, cfg FitConfig, recs ...arrow.Record) (*Preprocessor, error) {
	f, err := NewFitter(columns, cfg)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		if err := f.Add(rec); err != nil {
			return nil, err
		}
	}
	return f.Preprocessor()
}
