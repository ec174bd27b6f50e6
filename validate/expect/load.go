package expect

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/internal/yamlstrict"

	"go.yaml.in/yaml/v3"
)

// unnamedFile is the file name errors give expectations decoded without
// one.
const unnamedFile = "expectations"

// Load reads and validates an expectations file.
func Load(path string) (*Expectations, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("validate: read expectations: %w: %w", ErrInvalidExpectations, err)
	}
	return Decode(data, path)
}

// Decode reads expectations strictly (unknown keys and wrong
// types are errors) and validates them. Every problem is reported at once,
// as a joined error of *yamlstrict.Error naming file, line and column and
// wrapping ErrInvalidExpectations.
func Decode(data []byte, file string) (*Expectations, error) {
	var e Expectations
	named := file
	if named == "" {
		named = unnamedFile
	}
	root, probs, err := yamlstrict.Decode(data, &e, named, ErrInvalidExpectations)
	if errors.Is(err, yamlstrict.ErrEmpty) {
		return nil, yamlstrict.Pos{File: named}.Errorf(ErrInvalidExpectations, "", "empty file: start with `version: 1`")
	}
	if len(probs) > 0 {
		return nil, decodeErrors(probs)
	}
	e.file = file
	e.recordPositions(root)
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return &e, nil
}

// decodeErrors adds a hint to unknown keys ("field x not found in
// NullsCheck") and joins the problems.
func decodeErrors(probs []*yamlstrict.Error) error {
	errs := make([]error, len(probs))
	for i, pe := range probs {
		if strings.Contains(pe.Msg, "not found in ") {
			pe.Msg += " (check the spelling; see `refit infer` output for every key)"
		}
		errs[i] = pe
	}
	return errors.Join(errs...)
}

// recordPositions remembers where each key is and the order of columns.
func (e *Expectations) recordPositions(root *yaml.Node) {
	e.pos = map[string]yamlstrict.Pos{}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return
	}
	e.walk(root.Content[0], "")
	if cols := mapValue(root.Content[0], "columns"); cols != nil {
		for i := 0; i+1 < len(cols.Content); i += 2 {
			e.ColumnOrder = append(e.ColumnOrder, cols.Content[i].Value)
		}
	}
}

func (e *Expectations) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := joinPath(path, k.Value)
			e.pos[p] = yamlstrict.NodePos(e.file, k)
			e.walk(n.Content[i+1], p)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := joinPath(path, strconv.Itoa(i))
			e.pos[p] = yamlstrict.NodePos(e.file, item)
			e.walk(item, p)
		}
	}
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// at returns the position of the most specific known key of path.
func (e *Expectations) at(path string) yamlstrict.Pos {
	pos := yamlstrict.Pos{File: e.file}
	for p := path; p != ""; {
		if found, ok := e.pos[p]; ok {
			pos = found
			break
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	if pos.File == "" {
		pos.File = unnamedFile
	}
	return pos
}

// columnNames lists the expected columns in file order.
func (e *Expectations) columnNames() []string {
	var names []string
	for _, n := range e.ColumnOrder {
		if _, ok := e.Columns[n]; ok && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var rest []string
	for n := range e.Columns {
		if !slices.Contains(names, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

// problems collects validation problems with their places.
type problems struct {
	e    *Expectations
	errs []error
}

func (p *problems) add(path, format string, args ...any) {
	p.errs = append(p.errs, p.e.at(path).Errorf(ErrInvalidExpectations, "", format, args...))
}

func (p *problems) fraction(path string, v float64) {
	if !(v >= 0 && v <= 1) {
		p.add(path, "%s %v: want a fraction from 0 to 1 (0.01 is 1 %%)", path[strings.LastIndexByte(path, '.')+1:], v)
	}
}

func (p *problems) severity(path string, s Severity) {
	if s != "" && s != SeverityError && s != SeverityWarn {
		p.add(joinPath(path, "severity"), "severity %q: want error or warn", s)
	}
}

// Validate reports every problem at once (a joined error of
// *yamlstrict.Error wrapping ErrInvalidExpectations), or nil.
func (e *Expectations) Validate() error {
	p := &problems{e: e}
	if e.Version != Version {
		p.add("version", "version %d: want `version: %d` at the top of the file", e.Version, Version)
	}
	p.severity("", e.Severity)
	if r := e.Rows; r != nil {
		p.severity("rows", r.Severity)
		if r.Min != nil && *r.Min < 0 || r.Max != nil && *r.Max < 0 {
			p.add("rows", "row counts cannot be negative")
		}
		if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
			p.add("rows.min", "rows: min %d is above max %d", *r.Min, *r.Max)
		}
	}
	if e.Schema != nil {
		p.severity("schema", e.Schema.Severity)
	}
	if d := e.DuplicateRows; d != nil {
		p.severity("duplicate_rows", d.Severity)
		p.fraction("duplicate_rows.max_fraction", d.MaxFraction)
		for i, c := range d.Columns {
			if c == "" || slices.Contains(d.Columns[:i], c) {
				p.add("duplicate_rows.columns", "duplicate_rows: column %q is empty or listed twice", c)
			}
		}
	}
	for _, name := range e.columnNames() {
		e.Columns[name].validate(p, "columns."+name, name)
	}
	e.validateRules(p)
	return errors.Join(p.errs...)
}

func (e *Expectations) validateRules(p *problems) {
	seen := map[string]bool{}
	for i, r := range e.Rules {
		path := "rules." + strconv.Itoa(i)
		switch {
		case r.Name == "":
			p.add(path, "rule %d has no name: add `name: arrival_after_departure`", i+1)
		case seen[r.Name]:
			p.add(path+".name", "rule name %q is used twice: names must be unique", r.Name)
		}
		seen[r.Name] = true
		if strings.TrimSpace(r.Expr) == "" {
			p.add(path, "rule %q has no expr: add `expr: arrival >= departure`", r.Name)
		}
		p.fraction(path+".max_failing_fraction", r.MaxFailingFraction)
		p.severity(path, r.Severity)
	}
}

func (c *ColumnExpectation) validate(p *problems, path, name string) {
	if c == nil {
		p.add(path, "column %q has no checks: write `%s: {}` to only require it", name, name)
		return
	}
	if name == "" {
		p.add(path, "empty column name")
	}
	p.severity(path, c.Severity)
	if c.Nulls != nil {
		p.fraction(path+".nulls.max_fraction", c.Nulls.MaxFraction)
		p.severity(path+".nulls", c.Nulls.Severity)
	}
	if r := c.Range; r != nil {
		validateRange(p, path+".range", r)
	}
	if n := c.Negatives; n != nil {
		p.fraction(path+".negatives.max_fraction", n.MaxFraction)
		p.severity(path+".negatives", n.Severity)
	}
	if v := c.Values; v != nil {
		if len(v.Allowed) == 0 {
			p.add(path+".values", "values: list the allowed values, e.g. `allowed: [SEA, LAX]`")
		}
		p.fraction(path+".values.max_unseen_fraction", v.MaxUnseenFraction)
		p.severity(path+".values", v.Severity)
	}
	if r := c.Pattern; r != nil {
		if _, err := regexp.Compile(r.Regex); err != nil || r.Regex == "" {
			p.add(path+".pattern.regex", "regex %q: %v (Go RE2 syntax, e.g. '^[A-Z]{3}$')", r.Regex, errOrEmpty(err))
		}
		p.fraction(path+".pattern.max_failing_fraction", r.MaxFailingFraction)
		p.severity(path+".pattern", r.Severity)
	}
	if u := c.Unique; u != nil {
		p.fraction(path+".unique.max_duplicate_fraction", u.MaxDuplicateFraction)
		p.severity(path+".unique", u.Severity)
	}
	if f := c.Freshness; f != nil {
		if f.MaxAge <= 0 {
			p.add(path+".freshness", "freshness: max_age must be positive, e.g. `max_age: 36h`")
		}
		p.severity(path+".freshness", f.Severity)
	}
}

func errOrEmpty(err error) string {
	if err == nil {
		return "empty pattern"
	}
	return err.Error()
}

func validateRange(p *problems, path string, r *RangeCheck) {
	switch {
	case r.Min == nil && r.Max == nil:
		p.add(path, "range: set min, max or both")
	case r.Min != nil && r.Max != nil && r.Min.IsTime != r.Max.IsTime:
		p.add(path+".min", "range: min and max must both be numbers or both times")
	case r.Min != nil && r.Max != nil && !r.Min.IsTime && r.Min.Num > r.Max.Num,
		r.Min != nil && r.Max != nil && r.Min.IsTime && r.Min.Time.After(r.Max.Time):
		p.add(path+".min", "range: min %s is above max %s", r.Min, r.Max)
	}
	for _, b := range []*Bound{r.Min, r.Max} {
		if b != nil && !b.IsTime && math.IsNaN(b.Num) {
			p.add(path, "range: NaN is not a bound")
		}
	}
	p.fraction(path+".max_outside_fraction", r.MaxOutsideFraction)
	p.severity(path, r.Severity)
}
