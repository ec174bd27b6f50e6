package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
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
	// MaxDistinct bounds the distinct values counted per categorical
	// column. Beyond it the least frequent half is dropped, so counts of
	// very high-cardinality columns are approximate (heavy hitters stay).
	// Defaults to 65536.
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
	c.MaxDistinct = max(c.MaxDistinct, 2*c.TopK)
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
	// numeric: Welford moments of the present values, their range and a
	// median sketch.
	n        int64
	mean, m2 float64
	lo, hi   float64
	sketch   quantileSketch
	// categorical; pruned is set once values were dropped from counts.
	counts map[string]int64
	pruned bool
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
	if err := a.setKind(arr.DataType()); err != nil {
		return err
	}
	n := arr.Len()
	switch a.kind {
	case KindNumeric:
		return eachNumber(arr, 0, n, a.addNumber)
	case KindCategorical:
		return eachString(arr, 0, n, func(_ int, s string, ok bool) { a.addString(s, ok, cfg) })
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
func (a *colAcc) setKind(dt arrow.DataType) error {
	k, err := kindOf(dt)
	if err != nil {
		return err
	}
	zone := ""
	if tt, ok := dt.(*arrow.TimestampType); ok {
		zone = tt.TimeZone
	}
	if a.kind == "" {
		return a.init(k, zone)
	}
	if k != a.kind || zone != a.zone {
		return fmt.Errorf("%w: type %s does not match earlier batches (%s, zone %q)",
			ErrInvalidInput, dt, a.kind, a.zone)
	}
	return nil
}

// init sets the kind and zone of the column.
func (a *colAcc) init(k Kind, zone string) error {
	a.kind, a.zone = k, zone
	switch k {
	case KindCategorical:
		a.counts = map[string]int64{}
	case KindTime:
		loc, err := loadZone(zone)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidInput, err)
		}
		a.loc = loc
	}
	return nil
}

func (a *colAcc) addNumber(_ int, v float64, ok bool) {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		a.missing++
		return
	}
	if a.n == 0 || v < a.lo {
		a.lo = v
	}
	if a.n == 0 || v > a.hi {
		a.hi = v
	}
	a.n++
	d := v - a.mean
	a.mean += d / float64(a.n)
	a.m2 += d * (v - a.mean)
	a.sketch.add(v)
}

func (a *colAcc) addString(s string, ok bool, cfg FitConfig) {
	if !ok {
		a.missing++
		return
	}
	if c, found := a.counts[s]; found {
		a.counts[s] = c + 1
		return
	}
	a.counts[strings.Clone(s)] = 1 // s points into arrow memory
	if len(a.counts) > cfg.MaxDistinct {
		a.prune(cfg.MaxDistinct / 2)
	}
}

// prune keeps the keep most frequent values.
func (a *colAcc) prune(keep int) {
	a.pruned = true
	for _, e := range rankCounts(a.counts)[keep:] {
		delete(a.counts, e.value)
	}
}

type valueCount struct {
	value string
	count int64
}

// rankCounts sorts values by count, descending, then by value.
func rankCounts(m map[string]int64) []valueCount {
	out := make([]valueCount, 0, len(m))
	for v, c := range m {
		out = append(out, valueCount{v, c})
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
		if err := a.init(o.kind, o.zone); err != nil {
			return err
		}
	} else if a.kind != o.kind || a.zone != o.zone {
		return fmt.Errorf("%w: %s (zone %q) vs %s (zone %q)", ErrInvalidInput, a.kind, a.zone, o.kind, o.zone)
	}
	a.missing += o.missing
	a.mergeRange(o)
	a.mergeMoments(o.n, o.mean, o.m2)
	a.sketch.merge(&o.sketch)
	for v, c := range o.counts {
		a.counts[v] += c
	}
	a.pruned = a.pruned || o.pruned
	a.cal.merge(&o.cal)
	if len(a.counts) > cfg.MaxDistinct {
		a.prune(cfg.MaxDistinct / 2)
	}
	return nil
}

// mergeRange widens the numeric range by o's; call it before
// mergeMoments, which adds o's count.
func (a *colAcc) mergeRange(o *colAcc) {
	if o.n == 0 {
		return
	}
	if a.n == 0 || o.lo < a.lo {
		a.lo = o.lo
	}
	if a.n == 0 || o.hi > a.hi {
		a.hi = o.hi
	}
}

// mergeMoments combines Welford moments (Chan et al.).
func (a *colAcc) mergeMoments(n int64, mean, m2 float64) {
	if n == 0 {
		return
	}
	tot := a.n + n
	d := mean - a.mean
	a.m2 += m2 + d*d*float64(a.n)*float64(n)/float64(tot)
	a.mean += d * float64(n) / float64(tot)
	a.n = tot
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
		if a.n > 0 {
			c.Range = []float64{a.lo, a.hi}
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
	c.Complete = !a.pruned && len(rest) <= cfg.MaxRare
	for _, e := range rest[:min(len(rest), cfg.MaxRare)] {
		c.Rare = append(c.Rare, e.value)
	}
	slices.Sort(c.Rare)
}

// numericStats returns the median of the present values, and the mean and
// population standard deviation after imputing the median (std 0 → 1).
func (a *colAcc) numericStats() (median, mean, std float64) {
	median, _ = a.sketch.median() // 0 if every value was missing
	b := *a
	b.mergeMoments(a.missing, median, 0)
	std = 1
	if b.n > 0 && b.m2 > 0 {
		std = math.Sqrt(b.m2 / float64(b.n))
	}
	if !finite(std) || std == 0 {
		std = 1
	}
	return median, b.mean, std
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
