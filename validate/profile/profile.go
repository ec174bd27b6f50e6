package profile

import (
	"cmp"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/stats"
)

// Options configure a profile. The zero value is ready to use.
type Options struct {
	// QuantileK is the KLL sketch's top-level capacity. Defaults to
	// stats.DefaultQuantileK (rank error about 0.3 %).
	QuantileK int `json:"quantile_k"`
	// TopKCapacity is the number of counters kept by a frequency summary
	// after a prune (once past ExactLimit); a pruned summary is pruned
	// again whenever it holds 4× this many. Defaults to
	// stats.DefaultTopKCapacity.
	TopKCapacity int `json:"topk_capacity"`
	// ExactLimit is the number of distinct values of a string or binary
	// column whose counts stay exact (see NumericExactLimit for numbers
	// and times). Categorical columns past it keep a pruned summary of the
	// TopKCapacity most frequent values (counts become lower bounds, the
	// rest is counted as a remainder). While counts are exact, so are
	// distinct counts, frequent values and categorical drift metrics.
	// Defaults to stats.DefaultExactLimit (131,072 values: about 13 MiB
	// per column for short strings such as codes, at most 46 MiB for
	// long ones, see there).
	// Profiles saved before it existed decode with 0 and keep their old
	// bound of 4·TopKCapacity.
	ExactLimit int `json:"exact_limit,omitempty"`
	// NumericExactLimit is the number of distinct values of a numeric or
	// time column whose counts stay exact; then its distinct count,
	// quantiles, histograms and drift metrics (KS, Wasserstein, PSI, JS)
	// are exact too. Past it the counts are dropped and the quantile
	// sketch answers, with stated error bounds. Defaults to
	// stats.DefaultNumericExactLimit (16,384 values, under 2 MiB per
	// column).
	NumericExactLimit int `json:"numeric_exact_limit,omitempty"`
}

// exactLimit returns the exact-count bound of a column of kind k.
func (o Options) exactLimit(k Kind) int {
	if k == KindInt || k == KindFloat || k == KindTemporal {
		return cmp.Or(max(o.NumericExactLimit, 0), stats.DefaultNumericExactLimit)
	}
	return cmp.Or(max(o.ExactLimit, 0), stats.DefaultExactLimit)
}

// Profile holds mergeable statistics for every column of a dataset. Build
// one per goroutine (for instance per row group) with [New], Add
// records, then Merge the partial profiles in a fixed order. A Profile is not
// safe for concurrent use.
type Profile struct {
	Schema  *arrow.Schema
	Rows    int64
	Columns []*Column
	Options Options
}

// New returns an empty profile for records of schema.
func New(schema *arrow.Schema, opts Options) *Profile {
	p := &Profile{Schema: schema, Options: opts}
	for _, f := range schema.Fields() {
		p.Columns = append(p.Columns, NewColumn(f.Name, f.Type, opts))
	}
	return p
}

// Add accumulates rec, whose schema must match the profile's column types
// and order. rec is only read during the call; the caller keeps ownership
// and releases it.
func (p *Profile) Add(rec arrow.Record) error {
	if int(rec.NumCols()) != len(p.Columns) {
		return fmt.Errorf("validate: add record: %d columns, want %d: %w",
			rec.NumCols(), len(p.Columns), ErrSchemaMismatch)
	}
	for i, c := range p.Columns {
		if err := c.Add(rec.Column(i)); err != nil {
			return err
		}
	}
	p.Rows += rec.NumRows()
	return nil
}

// Merge adds the statistics of o, a profile of the same schema, to p. o is
// not modified. Exact statistics of a merge equal those of the
// concatenated data; sketches stay within their stated error. Merge is
// commutative: a.Merge(b) and b.Merge(a) give the same results.
func (p *Profile) Merge(o *Profile) error {
	if len(o.Columns) != len(p.Columns) {
		return fmt.Errorf("validate: merge profiles: %d columns, want %d: %w",
			len(o.Columns), len(p.Columns), ErrSchemaMismatch)
	}
	for i, c := range p.Columns {
		if err := c.Merge(o.Columns[i]); err != nil {
			return err
		}
	}
	p.Rows += o.Rows
	return nil
}

// Merge adds o, a profile of a column of the same name and type, to c.
func (c *Column) Merge(o *Column) error {
	if c.Name != o.Name || !arrow.TypeEqual(c.Type, o.Type) {
		return fmt.Errorf("validate: merge column %q (%s) into %q (%s): %w",
			o.Name, o.Type, c.Name, c.Type, ErrSchemaMismatch)
	}
	c.Count += o.Count
	c.Nulls += o.Nulls
	if c.IntRange != nil && o.Moments.Count > 0 {
		c.mergeIntRange(o.IntRange)
	}
	if c.Moments != nil {
		c.Moments.Merge(o.Moments)
		c.Quantiles.Merge(o.Quantiles)
	}
	if c.Lengths != nil {
		c.Lengths.Merge(o.Lengths)
	}
	switch {
	case c.Calendar != nil && o.Calendar != nil:
		c.Calendar.merge(o.Calendar)
	case o.Calendar == nil && o.Count > 0:
		c.Calendar = nil // o was saved before calendars: the counts would be partial
	}
	if c.TopK != nil {
		return c.mergeFrequencies(o)
	}
	return nil
}

func (c *Column) mergeIntRange(o *IntRange) {
	if c.Moments.Count == 0 {
		*c.IntRange = *o
		return
	}
	c.IntRange.Min = min(c.IntRange.Min, o.Min)
	c.IntRange.Max = max(c.IntRange.Max, o.Max)
}

// mergeFrequencies merges TopK and Distinct: once either side has a
// HyperLogLog sketch, both sides need one (a side still exact contributes
// its keys).
func (c *Column) mergeFrequencies(o *Column) error {
	if c.Distinct.Materialized() || o.Distinct.Materialized() {
		if err := c.Distinct.Materialize(c.TopK.Keys()); err != nil {
			return err
		}
		od := o.Distinct
		if !od.Materialized() {
			od = &stats.Distinct{}
			if err := od.Materialize(o.TopK.Keys()); err != nil {
				return err
			}
		}
		if err := c.Distinct.Merge(od); err != nil {
			return err
		}
	}
	c.TopK.Merge(o.TopK)
	return c.settle(c.Kind == KindString || c.Kind == KindBinary)
}

// ColumnNamed returns the column called name, or nil.
func (p *Profile) ColumnNamed(name string) *Column {
	for _, c := range p.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}
