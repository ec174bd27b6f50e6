package coverage

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/internal/parts"
	"github.com/refit-ml/refit/validate/profile"
)

// Options give Coverage the profiles automatic slices come from.
// The zero value gives the configured slices and the null slice only.
type Options struct {
	// Reference, when set, is the reference profile: automatic slices come
	// from it, and so do reference shares of value and tail slices.
	Reference *profile.Profile
	// Current, used when Reference is nil, gives automatic slices without
	// reference shares (a profile of the data being checked).
	Current *profile.Profile
	// ReferenceCoverage, when set, gives the reference share of every slice
	// it has by name (a coverage run over the reference data), overriding
	// shares from Reference.
	ReferenceCoverage *Report
}

// Report counts the rows of each slice of a dataset.
type Report struct {
	Rows   int64      `json:"rows"`
	Config Config     `json:"config"`
	Label  *LabelRate `json:"label,omitempty"` // over every row
	Slices []Slice    `json:"slices"`
	// Findings are the slices with too few rows or a fallen share.
	Findings []Finding        `json:"findings,omitempty"`
	Verdict  validate.Verdict `json:"verdict"`
}

// Slice is one slice's count.
type Slice struct {
	Name  string  `json:"name"`
	Expr  string  `json:"expr"`
	Kind  string  `json:"kind"` // SliceExpr, SliceValue, SliceTail or SliceNulls
	Rows  int64   `json:"rows"`
	Share float64 `json:"share"` // Rows / all rows
	// ReferenceShare is the slice's share of the reference, when known.
	ReferenceShare *float64         `json:"reference_share,omitempty"`
	Label          *LabelRate       `json:"label,omitempty"`
	Verdict        validate.Verdict `json:"verdict"`
}

// LabelRate is the share of rows where the label is true, among the
// Labeled rows where it is not null.
type LabelRate struct {
	Labeled  int64   `json:"labeled"`
	Positive int64   `json:"positive"`
	Rate     float64 `json:"rate"`
}

// Finding is a problem with one slice.
type Finding struct {
	Slice   string           `json:"slice"`
	Problem string           `json:"problem"` // "too few rows", "share fell" or "share rose"
	Message string           `json:"message"`
	Verdict validate.Verdict `json:"verdict"`
}

// Coverage counts the rows of every slice of ds in one parallel pass (one
// counter per part, merged in part order). A slice with fewer than
// cfg.MinRows rows, or whose share fell by more than cfg.MaxShareDrop or
// rose by more than cfg.MaxShareRise of its reference share beyond sampling
// noise, is a finding (warn; alert when the slice is empty but was not in
// the reference).
func Measure(ctx context.Context, ds *ingest.Dataset, cfg Config, opts Options) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	prof, isRef := opts.Reference, true
	if prof == nil {
		prof, isRef = opts.Current, false
	}
	plan, err := planSlices(ds.Schema(), cfg, prof, isRef)
	if err != nil {
		return nil, err
	}
	total, err := countSlices(ctx, ds, plan)
	if err != nil {
		return nil, err
	}
	return plan.report(total, cfg, opts.ReferenceCoverage), nil
}

// sliceCounts are the counters of one part.
type sliceCounts struct {
	rows   int64
	label  counts
	slices []counts
	masks  [][]bool
}

type counts struct{ rows, labeled, positive int64 }

func (c *sliceCounts) merge(o *sliceCounts) {
	c.rows += o.rows
	c.label.add(o.label)
	for i := range c.slices {
		c.slices[i].add(o.slices[i])
	}
}

func (c *counts) add(o counts) {
	c.rows, c.labeled, c.positive = c.rows+o.rows, c.labeled+o.labeled, c.positive+o.positive
}

// countSlices counts the slices of every row of ds, one counter per part,
// merged in part order (parts.Scan).
func countSlices(ctx context.Context, ds *ingest.Dataset, plan *slicePlan) (*sliceCounts, error) {
	return parts.Scan(ctx, ds, coverageFn{plan}, nil)
}

// coverageFn counts slices as a stats.Combiner.
type coverageFn struct{ plan *slicePlan }

// CreateAccumulator returns zero counts.
func (f coverageFn) CreateAccumulator() *sliceCounts {
	return &sliceCounts{slices: make([]counts, len(f.plan.defs))}
}

// AddInput counts a record's rows.
func (f coverageFn) AddInput(c *sliceCounts, in parts.Record) (*sliceCounts, error) {
	if err := f.plan.count(c, in.Rec); err != nil {
		return c, fmt.Errorf("validate: coverage %s: %w", in.Part.Path, err)
	}
	return c, nil
}

// MergeAccumulators adds o's counts to c.
func (coverageFn) MergeAccumulators(c, o *sliceCounts) (*sliceCounts, error) {
	c.merge(o)
	return c, nil
}

// ExtractOutput returns the counts.
func (coverageFn) ExtractOutput(c *sliceCounts) (*sliceCounts, error) { return c, nil }

// count marks every slice of rec and adds the rows to c.
func (p *slicePlan) count(c *sliceCounts, rec arrow.Record) error {
	n := int(rec.NumRows())
	c.rows += int64(n)
	c.masks = resetMasks(c.masks, len(p.defs), n)
	for _, g := range p.groups {
		if err := g.mark(rec, c.masks); err != nil {
			return err
		}
	}
	labels, err := p.labels(rec)
	if err != nil {
		return err
	}
	if labels != nil {
		defer labels.Release()
	}
	lab, pos := c.labelMasks(labels, n)
	c.label.addRows(nil, lab, pos)
	for s, m := range c.masks {
		c.slices[s].addRows(m, lab, pos)
	}
	return nil
}

// labelMasks returns which rows are labeled and positive (nil: none).
func (c *sliceCounts) labelMasks(labels *array.Boolean, n int) (lab, pos []bool) {
	if labels == nil {
		return nil, nil
	}
	lab, pos = make([]bool, n), make([]bool, n)
	for i := range n {
		lab[i] = labels.IsValid(i)
		pos[i] = lab[i] && labels.Value(i)
	}
	return lab, pos
}

// addRows counts the rows in mask (nil: every row of lab).
func (c *counts) addRows(mask, lab, pos []bool) {
	if mask == nil {
		for i := range lab {
			c.labeled += b2i(lab[i])
			c.positive += b2i(pos[i])
		}
		return
	}
	for i, in := range mask {
		if in {
			c.rows++
			if lab != nil {
				c.labeled += b2i(lab[i])
				c.positive += b2i(pos[i])
			}
		}
	}
}

func (p *slicePlan) labels(rec arrow.Record) (*array.Boolean, error) {
	if p.label == nil {
		return nil, nil
	}
	arr, err := p.label.Eval(rec)
	if err != nil {
		return nil, err
	}
	b, ok := arr.(*array.Boolean)
	if !ok {
		arr.Release()
		return nil, fmt.Errorf("label %q: not a boolean: %w", p.label.Source(), validate.ErrInvalidOptions)
	}
	return b, nil
}

// resetMasks returns k false masks of length n, reusing ms.
func resetMasks(ms [][]bool, k, n int) [][]bool {
	if len(ms) != k {
		ms = make([][]bool, k)
	}
	for i := range ms {
		if cap(ms[i]) < n {
			ms[i] = make([]bool, n)
		}
		ms[i] = ms[i][:n]
		clear(ms[i])
	}
	return ms
}

// b2i is 1 for true, compiled without a branch.
func b2i(b bool) int64 {
	var i int64
	if b {
		i = 1
	}
	return i
}
