package coverage

import (
	"fmt"
	"maps"
	"slices"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/validate/profile"
)

// slicePlan is every slice of a coverage run and the groups marking them.
type slicePlan struct {
	defs   []sliceDef
	groups []sliceGroup
	label  *colexpr.Program
}

// planSlices compiles the configured slices (in name order), then adds the
// automatic ones from prof (nil: none): one per value of low-cardinality
// columns, numeric tails beyond p1/p99, and rows with any null. Reference
// shares come from prof when isRef.
func planSlices(schema *arrow.Schema, cfg Config, prof *profile.Profile, isRef bool) (*slicePlan, error) {
	p := &slicePlan{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Slices)) {
		prog, err := compileBool(cfg.Slices[name], schema)
		if err != nil {
			return nil, fmt.Errorf("validate: coverage slice %q: %w", name, err)
		}
		p.groups = append(p.groups, exprGroup{prog, p.add(name, cfg.Slices[name], SliceExpr, nil)})
	}
	if cfg.Label != "" {
		prog, err := compileBool(cfg.Label, schema)
		if err != nil {
			return nil, fmt.Errorf("validate: coverage label: %w", err)
		}
		p.label = prog
	}
	if cfg.NoAuto {
		return p, nil
	}
	if prof != nil {
		for _, c := range prof.Columns {
			if f, ok := schema.FieldsByName(c.Name); ok && arrow.TypeEqual(f[0].Type, c.Type) {
				p.addValueSlices(c, prof.Rows, cfg.MaxValues, isRef)
				p.addTailSlices(c, prof.Rows, isRef)
			}
		}
	}
	p.groups = append(p.groups, nullGroup{p.add("any null", "a null in any column", SliceNulls, nil)})
	return p, nil
}

func compileBool(src string, schema *arrow.Schema) (*colexpr.Program, error) {
	prog, err := colexpr.Compile(src, schema)
	if err != nil {
		return nil, err
	}
	if err := prog.MustBool(); err != nil {
		return nil, err
	}
	return prog, nil
}

// add appends a slice and returns its index.
func (p *slicePlan) add(name, expr, kind string, refShare *float64) int {
	p.defs = append(p.defs, sliceDef{name: name, expr: expr, kind: kind, refShare: refShare})
	return len(p.defs) - 1
}

// addValueSlices adds one slice per value of a column with an exact value
// count of 2 to maxValues values (strings, booleans, integers, floats).
func (p *slicePlan) addValueSlices(c *profile.Column, rows int64, maxValues int, isRef bool) {
	if c.TopK == nil || !c.TopK.Exact() || c.Kind == profile.KindTemporal || c.Kind == profile.KindBinary {
		return
	}
	entries := c.TopK.Entries()
	if len(entries) < 2 || len(entries) > maxValues {
		return
	}
	g := valueGroup{col: c.Name, slices: make(map[string]int, len(entries))}
	for _, e := range entries {
		v := c.FormatValue(e)
		g.slices[v] = p.add(fmt.Sprintf("%s = %s", c.Name, v), fmt.Sprintf("%s == %q", c.Name, v), SliceValue,
			refShareOf(isRef, e.Count, rows))
	}
	p.groups = append(p.groups, g)
}

// addTailSlices adds the slices below p1 and above p99 of a numeric column;
// a tail is left out when the quantile is the extreme (heavy ties), since
// nothing in the reference lies beyond it.
func (p *slicePlan) addTailSlices(c *profile.Column, rows int64, isRef bool) {
	if (c.Kind != profile.KindInt && c.Kind != profile.KindFloat) || c.Quantiles.N == 0 {
		return
	}
	v := c.Quantiles.SortedView()
	g := tailGroup{col: c.Name, lo: v.Quantile(0.01), hi: v.Quantile(0.99), below: -1, over: -1}
	if g.lo > v.Min {
		below := v.Rank(g.lo) - v.CountEqual(g.lo)
		g.below = p.add(fmt.Sprintf("%s < p1", c.Name), fmt.Sprintf("%s < %g", c.Name, g.lo), SliceTail, refShareOf(isRef, below, rows))
	}
	if g.hi < v.Max {
		g.over = p.add(fmt.Sprintf("%s > p99", c.Name), fmt.Sprintf("%s > %g", c.Name, g.hi), SliceTail, refShareOf(isRef, v.N-v.Rank(g.hi), rows))
	}
	if g.below >= 0 || g.over >= 0 {
		p.groups = append(p.groups, g)
	}
}

func refShareOf(isRef bool, n, rows int64) *float64 {
	if !isRef || rows == 0 {
		return nil
	}
	s := float64(n) / float64(rows)
	return &s
}
