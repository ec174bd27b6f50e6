package model

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
)

// Kind is how an input column is turned into features.
type Kind string

// The column kinds. Each expands into a fixed set of features.
const (
	// KindNumeric: one standardized value, plus a 0/1 missing indicator
	// if MissingIndicator is set.
	KindNumeric Kind = "numeric"
	// KindCategorical: one-hot over Categories, then "other", then
	// "missing".
	KindCategorical Kind = "categorical"
	// KindTime (arrow timestamp): one-hot hour of day and day of week,
	// and month of year when training spanned a year (see Calendar), plus
	// an optional missing indicator. Columns without a Calendar (models
	// of format version 1) get sin/cos of hour of day, day of week and
	// month instead.
	KindTime Kind = "time"
	// KindDate (arrow date32/date64): like KindTime without the hour of
	// day.
	KindDate Kind = "date"
)

// Column is the fitted preprocessing of one input column. It is plain data
// and serializes to JSON; NewPreprocessor validates it.
type Column struct {
	// Name is the arrow field name of the input column.
	Name string `json:"name"`
	// Kind selects the expansion.
	Kind Kind `json:"kind"`
	// Median replaces missing numeric values (null, NaN, ±Inf) before
	// standardization.
	Median float64 `json:"median,omitempty"`
	// Mean and Std standardize numeric values: (v-Mean)/Std. Std > 0.
	Mean float64 `json:"mean,omitempty"`
	Std  float64 `json:"std,omitempty"`
	// MissingIndicator adds a 0/1 feature that is 1 where the value was
	// missing. Fit sets it when the column had a missing value in training.
	MissingIndicator bool `json:"missing_indicator,omitempty"`
	// Categories are the one-hot values of a categorical column, most
	// frequent first. Booleans use "false" and "true".
	Categories []string `json:"categories,omitempty"`
	// Zone is the time zone of a timestamp column as arrow spells it
	// ("" for naive timestamps, used as-is; "UTC", "Europe/Paris",
	// "+05:30"). Batches must carry the same zone.
	Zone string `json:"zone,omitempty"`
	// Range is [min, max] of the present values of a numeric column in
	// training; values outside it count as out of range. Nil in models of
	// format version 1 and when training had no present value.
	Range []float64 `json:"range,omitempty"`
	// Rare are the other values of a categorical column that training
	// saw (below FitConfig.MinCount or beyond TopK), sorted. They encode
	// as "#other", like unseen values, but do not count as out of range.
	Rare []string `json:"rare,omitempty"`
	// Complete is set when Categories and Rare list every value of a
	// categorical column that training saw, so that out-of-range counts
	// are exact. It is false in models of format version 1.
	Complete bool `json:"complete,omitempty"`
	// Calendar is the one-hot encoding of a time or date column and the
	// calendar values training saw. Nil selects the sin/cos encoding of
	// models of format version 1.
	Calendar *Calendar `json:"calendar,omitempty"`
}

// clone returns a deep copy of c.
func (c Column) clone() Column {
	c.Categories = slices.Clone(c.Categories)
	c.Range = slices.Clone(c.Range)
	c.Rare = slices.Clone(c.Rare)
	c.Calendar = c.Calendar.clone()
	return c
}

// hasV2Fields reports whether c uses fields that format version 1 lacks.
func (c *Column) hasV2Fields() bool {
	return c.Range != nil || c.Rare != nil || c.Complete || c.Calendar != nil
}

// width is the number of features the column expands into.
func (c *Column) width() int {
	n := 0
	switch c.Kind {
	case KindNumeric:
		n = 1
	case KindCategorical:
		return len(c.Categories) + 2
	case KindTime, KindDate:
		n = c.timeWidth()
	}
	if c.MissingIndicator {
		n++
	}
	return n
}

// featureNames appends the names of the column's features.
func (c *Column) featureNames(dst []string) []string {
	switch c.Kind {
	case KindNumeric:
		dst = append(dst, c.Name)
	case KindCategorical:
		for _, v := range c.Categories {
			dst = append(dst, c.Name+"="+v)
		}
		return append(dst, c.Name+"#other", c.Name+"#missing")
	case KindTime, KindDate:
		if c.Calendar != nil {
			dst = calendarNames(dst, c.Name, c.Kind, c.Calendar)
			break
		}
		if c.Kind == KindTime {
			dst = append(dst, c.Name+"#hour_sin", c.Name+"#hour_cos")
		}
		dst = append(dst, c.Name+"#dow_sin", c.Name+"#dow_cos",
			c.Name+"#month_sin", c.Name+"#month_cos")
	}
	if c.MissingIndicator {
		dst = append(dst, c.Name+"#missing")
	}
	return dst
}

// timeWidth is the number of calendar features of a time or date column,
// without the missing indicator.
func (c *Column) timeWidth() int {
	if c.Calendar != nil {
		return calendarWidth(c.Kind, c.Calendar)
	}
	if c.Kind == KindTime {
		return 6
	}
	return 4
}

func (c *Column) validate() error {
	if c.Name == "" {
		return fmt.Errorf("column with an empty name")
	}
	switch c.Kind {
	case KindNumeric:
		if !finite(c.Median) || !finite(c.Mean) || !finite(c.Std) || c.Std <= 0 {
			return fmt.Errorf("column %q: median %v, mean %v, std %v: need finite values and std > 0",
				c.Name, c.Median, c.Mean, c.Std)
		}
		if c.Range != nil && (len(c.Range) != 2 || !finite(c.Range[0]) || !finite(c.Range[1]) || c.Range[0] > c.Range[1]) {
			return fmt.Errorf("column %q: range %v: want [min, max], finite, min ≤ max", c.Name, c.Range)
		}
	case KindCategorical:
		if c.MissingIndicator || c.Zone != "" {
			return fmt.Errorf("column %q: categorical column with time or numeric settings", c.Name)
		}
		if err := checkUnique("category or rare value of "+c.Name, append(slices.Clone(c.Categories), c.Rare...)); err != nil {
			return err
		}
	case KindTime, KindDate:
		if c.Kind == KindDate && c.Zone != "" {
			return fmt.Errorf("column %q: date column with a time zone", c.Name)
		}
		if c.Calendar != nil {
			if c.Kind == KindDate && len(c.Calendar.Hours) > 0 {
				return fmt.Errorf("column %q: date column with hours", c.Name)
			}
			if _, err := c.Calendar.mask(); err != nil {
				return fmt.Errorf("column %q: %w", c.Name, err)
			}
		}
	default:
		return fmt.Errorf("column %q: unknown kind %q", c.Name, c.Kind)
	}
	return c.validateKindFields()
}

// validateKindFields rejects fields that belong to another kind.
func (c *Column) validateKindFields() error {
	if c.Kind != KindCategorical && (len(c.Categories) > 0 || len(c.Rare) > 0 || c.Complete) {
		return fmt.Errorf("column %q: %s column with categories", c.Name, c.Kind)
	}
	if c.Kind != KindNumeric && (c.Median != 0 || c.Mean != 0 || c.Std != 0 || c.Range != nil) {
		return fmt.Errorf("column %q: %s column with numeric statistics", c.Name, c.Kind)
	}
	if c.Kind != KindTime && c.Kind != KindDate && c.Calendar != nil {
		return fmt.Errorf("column %q: %s column with a calendar", c.Name, c.Kind)
	}
	return nil
}

// Preprocessor turns arrow records into a float32 feature matrix. It is
// immutable and safe for concurrent use.
type Preprocessor struct {
	cols    []Column
	offsets []int // first feature of each column
	width   int
	names   []string
	index   []map[string]int  // categorical: value -> position in Categories
	sidx    []*strIndex       // the same, faster
	rare    []map[string]bool // categorical: the Rare values
	locs    []*time.Location  // time: zone of the wall clock
	masks   []calendarMask    // time and date with a Calendar
	fixed   []fixedZone       // time: the zone when it is a fixed offset
	// slots is the SparseWidth; slotOffs the first slot of each column.
	slots    int
	slotOffs []int
}

// NewPreprocessor validates fitted columns and builds a Preprocessor. The
// columns are copied. Errors wrap ErrInvalidInput.
func NewPreprocessor(cols []Column) (*Preprocessor, error) {
	p := &Preprocessor{cols: make([]Column, len(cols))}
	seen := map[string]bool{}
	for i, c := range cols {
		c = c.clone()
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("model: preprocessing: %w: %w", ErrInvalidInput, err)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("model: preprocessing: %w: duplicate column %q", ErrInvalidInput, c.Name)
		}
		seen[c.Name] = true
		if err := p.addColumn(i, c); err != nil {
			return nil, fmt.Errorf("model: preprocessing: %w: %w", ErrInvalidInput, err)
		}
	}
	return p, nil
}

func (p *Preprocessor) addColumn(i int, c Column) error {
	p.cols[i] = c
	p.offsets = append(p.offsets, p.width)
	p.width += c.width()
	p.slotOffs = append(p.slotOffs, p.slots)
	p.slots += c.slotCount()
	p.names = c.featureNames(p.names)
	var idx map[string]int
	if c.Kind == KindCategorical {
		idx = make(map[string]int, len(c.Categories))
		for j, v := range c.Categories {
			idx[v] = j
		}
	}
	p.index = append(p.index, idx)
	var sx *strIndex
	if c.Kind == KindCategorical {
		sx = newStrIndex(c.Categories)
	}
	p.sidx = append(p.sidx, sx)
	var rare map[string]bool
	if len(c.Rare) > 0 {
		rare = make(map[string]bool, len(c.Rare))
		for _, v := range c.Rare {
			rare[v] = true
		}
	}
	p.rare = append(p.rare, rare)
	var m calendarMask
	if c.Calendar != nil {
		m, _ = c.Calendar.mask() // validated
	}
	p.masks = append(p.masks, m)
	var loc *time.Location
	if c.Kind == KindTime {
		var err error
		if loc, err = loadZone(c.Zone); err != nil {
			return fmt.Errorf("column %q: %w", c.Name, err)
		}
	}
	p.locs = append(p.locs, loc)
	var fz fixedZone
	if loc != nil {
		fz = fixedOffset(c.Zone, loc)
	}
	p.fixed = append(p.fixed, fz)
	return nil
}

// loadZone resolves an arrow time zone: "" (naive) is UTC, "+hh:mm" and
// "-hhmm" are fixed offsets, anything else is an IANA name.
func loadZone(zone string) (*time.Location, error) {
	if zone == "" {
		return time.UTC, nil
	}
	if zone[0] == '+' || zone[0] == '-' {
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, zone); err == nil {
				_, off := t.Zone()
				return time.FixedZone(zone, off), nil
			}
		}
		return nil, fmt.Errorf("bad time zone offset %q", zone)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("loading time zone: %w", err)
	}
	return loc, nil
}

// Columns returns a copy of the fitted columns.
func (p *Preprocessor) Columns() []Column {
	out := make([]Column, len(p.cols))
	for i, c := range p.cols {
		out[i] = c.clone()
	}
	return out
}

// Inputs returns the names of the input columns, in feature order.
func (p *Preprocessor) Inputs() []string {
	out := make([]string, len(p.cols))
	for i, c := range p.cols {
		out[i] = c.Name
	}
	return out
}

// NumFeatures is the width of the feature matrix.
func (p *Preprocessor) NumFeatures() int { return p.width }

// FeatureNames returns the names of the expanded features, in matrix
// column order: "dist", "dist#missing", "origin=ATL", "origin#other",
// "origin#missing", "date#hour=0", ..., "date#weekday=Sun", ...
func (p *Preprocessor) FeatureNames() []string { return slices.Clone(p.names) }

// Transform writes the features of every row of rec into dst, row-major
// (rows × NumFeatures), and returns dst[:rows*NumFeatures]. dst is grown if
// it is too short; the caller owns it. rec is only read during the call.
func (p *Preprocessor) Transform(rec arrow.Record, dst []float32) ([]float32, error) {
	return p.TransformRows(rec, 0, int(rec.NumRows()), dst)
}

// TransformRows is Transform restricted to rows [lo, hi) of rec.
func (p *Preprocessor) TransformRows(rec arrow.Record, lo, hi int, dst []float32) ([]float32, error) {
	if lo < 0 || hi < lo || int64(hi) > rec.NumRows() {
		return dst, fmt.Errorf("model: transform: %w: rows [%d, %d) of %d", ErrInvalidInput, lo, hi, rec.NumRows())
	}
	n := (hi - lo) * p.width
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	for i := range p.cols {
		arr, err := p.column(rec, i)
		if err != nil {
			return dst, err
		}
		if err := p.transformColumn(i, arr, lo, hi, dst); err != nil {
			return dst, fmt.Errorf("model: transform column %q: %w", p.cols[i].Name, err)
		}
	}
	return dst, nil
}

func (p *Preprocessor) column(rec arrow.Record, i int) (arrow.Array, error) {
	idx := rec.Schema().FieldIndices(p.cols[i].Name)
	if len(idx) != 1 {
		return nil, fmt.Errorf("model: transform: %w: record has %d columns named %q, want 1",
			ErrInvalidInput, len(idx), p.cols[i].Name)
	}
	return rec.Column(idx[0]), nil
}

func (p *Preprocessor) transformColumn(i int, arr arrow.Array, lo, hi int, dst []float32) error {
	c := &p.cols[i]
	w := colWriter{dst: dst, stride: p.width, off: p.offsets[i], lo: lo}
	switch c.Kind {
	case KindNumeric:
		return w.numeric(c, arr, hi)
	case KindCategorical:
		return w.categorical(p.sidx[i], len(c.Categories), arr, hi)
	case KindTime, KindDate:
		return w.timeParts(c, p.locs[i], p.masks[i], arr, hi)
	}
	return fmt.Errorf("%w: unknown kind %q", ErrInvalidInput, c.Kind)
}

// colWriter writes one column's features into a row-major matrix.
type colWriter struct {
	dst    []float32
	stride int // features per row
	off    int // first feature of the column
	lo     int // first record row
}

// row returns the feature slots of record row i, starting at the column.
func (w *colWriter) row(i int) []float32 {
	s := (i-w.lo)*w.stride + w.off
	return w.dst[s : (i-w.lo+1)*w.stride]
}

func (w *colWriter) numeric(c *Column, arr arrow.Array, hi int) error {
	inv := 1 / c.Std
	imputed := float32((c.Median - c.Mean) * inv)
	return eachNumber(arr, w.lo, hi, func(i int, v float64, ok bool) {
		r := w.row(i)
		missing := !ok || math.IsNaN(v) || math.IsInf(v, 0)
		if missing {
			r[0] = imputed
		} else {
			r[0] = float32((v - c.Mean) * inv)
		}
		if c.MissingIndicator {
			r[1] = b2f(missing)
		}
	})
}

func (w *colWriter) categorical(index *strIndex, k int, arr arrow.Array, hi int) error {
	return eachString(arr, w.lo, hi, func(i int, s string, ok bool) {
		r := w.row(i)[:k+2]
		clear(r)
		switch j, found := index.get(s); {
		case !ok:
			r[k+1] = 1
		case found:
			r[j] = 1
		default:
			r[k] = 1
		}
	})
}

func (w *colWriter) timeParts(c *Column, loc *time.Location, m calendarMask, arr arrow.Array, hi int) error {
	n := c.timeWidth()
	return eachTime(arr, c, loc, w.lo, hi, func(i int, t time.Time, ok bool) {
		r := w.row(i)
		switch {
		case !ok:
			clear(r[:n])
		case c.Calendar != nil:
			clear(r[:n])
			writeCalendar(r, t, c.Kind == KindTime, m)
		default:
			writeCyclic(r, t, c.Kind == KindTime)
		}
		if c.MissingIndicator {
			r[n] = b2f(!ok)
		}
	})
}

// writeCyclic writes sin/cos of (hour of day,) day of week and month: the
// encoding of format version 1.
func writeCyclic(r []float32, t time.Time, hour bool) {
	if hour {
		h, m, s := t.Clock()
		frac := float64(h) + float64(m)/60 + float64(s)/3600
		r[0], r[1] = sincos(frac / 24)
		r = r[2:]
	}
	r[0], r[1] = sincos(float64(t.Weekday()) / 7)
	r[2], r[3] = sincos(float64(t.Month()-1) / 12)
}

// sincos returns sin and cos of 2π·frac.
func sincos(frac float64) (float32, float32) {
	s, c := math.Sincos(2 * math.Pi * frac)
	return float32(s), float32(c)
}

func b2f(b bool) float32 {
	if b {
		return 1
	}
	return 0
}

// Notes explains choices fitting made that a reader of the model should
// know, one sentence per entry, in column order: for now, time and date
// columns whose month of year is left out ("date: month left out:
// training window spans 54 days < 1 year (365 days)"). Model cards list
// them.
func (p *Preprocessor) Notes() []string {
	var out []string
	for _, c := range p.cols {
		if n := calendarNote(c.Name, c.Calendar); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// String describes the preprocessing, one column per line.
func (p *Preprocessor) String() string {
	var b strings.Builder
	for _, c := range p.cols {
		fmt.Fprintf(&b, "%s %s: %d features\n", c.Name, c.Kind, c.width())
	}
	return b.String()
}
