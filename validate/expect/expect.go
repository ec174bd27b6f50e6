package expect

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/refit-ml/refit/internal/yamlstrict"
	"go.yaml.in/yaml/v3"
)

// Version is the version of the expectations file format.
const Version = 1

// Severity says whether a failing check fails the audit (error) or is only
// reported (warn).
type Severity string

// Severities.
const (
	SeverityError Severity = "error"
	SeverityWarn  Severity = "warn"
)

// Expectations are the checks of an expectations file (see the package
// doc's Expectations section for the format). Decode one with
// [Decode]; build one in code and call [Expectations.Validate].
type Expectations struct {
	Version int `yaml:"version"`
	// Severity is the default of every check. Defaults to error.
	Severity Severity `yaml:"severity,omitempty"`
	// Rows bounds the number of rows.
	Rows *RowsCheck `yaml:"rows,omitempty"`
	// Schema checks the columns: every column in Columns must exist (with
	// its Type, when given); other columns are findings unless allowed.
	Schema *SchemaCheck `yaml:"schema,omitempty"`
	// DuplicateRows bounds the fraction of rows equal to an earlier row.
	DuplicateRows *DuplicateRowsCheck `yaml:"duplicate_rows,omitempty"`
	// Columns are the per-column checks, by column name. Findings follow the
	// file's order (ColumnOrder).
	Columns map[string]*ColumnExpectation `yaml:"columns,omitempty"`
	// Rules are row-level conditions (colexpr expressions) that should hold.
	Rules []RuleCheck `yaml:"rules,omitempty"`

	// ColumnOrder lists the keys of Columns in file order; names missing
	// from it are checked after, sorted.
	ColumnOrder []string `yaml:"-"`

	file  string
	pos   map[string]yamlstrict.Pos // "columns.delay.range" → place of the key
	notes map[string]string         // comments written above keys by Encode
}

// ColumnExpectation holds the checks of one column; nil checks are off.
type ColumnExpectation struct {
	// Type is the expected Arrow type, as Arrow prints it ("int64",
	// "utf8", "timestamp[us]", "dictionary<values=utf8, indices=int32,
	// ordered=false>"). Empty: any type.
	Type string `yaml:"type,omitempty"`
	// Severity is the default of this column's checks.
	Severity  Severity        `yaml:"severity,omitempty"`
	Nulls     *NullsCheck     `yaml:"nulls,omitempty"`
	Range     *RangeCheck     `yaml:"range,omitempty"`
	Negatives *NegativesCheck `yaml:"negatives,omitempty"`
	Values    *ValuesCheck    `yaml:"values,omitempty"`
	Pattern   *PatternCheck   `yaml:"pattern,omitempty"`
	Unique    *UniqueCheck    `yaml:"unique,omitempty"`
	Freshness *FreshnessCheck `yaml:"freshness,omitempty"`
}

// RowsCheck bounds the row count; nil bounds are open.
type RowsCheck struct {
	Min      *int64   `yaml:"min,omitempty"`
	Max      *int64   `yaml:"max,omitempty"`
	Severity Severity `yaml:"severity,omitempty"`
}

// SchemaCheck controls the schema check.
type SchemaCheck struct {
	// AllowExtraColumns accepts columns that Columns does not list.
	AllowExtraColumns bool     `yaml:"allow_extra_columns"`
	Severity          Severity `yaml:"severity,omitempty"`
}

// DuplicateRowsCheck bounds the fraction of rows that repeat an earlier
// row (all columns equal, nulls equal to nulls).
type DuplicateRowsCheck struct {
	MaxFraction float64 `yaml:"max_fraction"`
	// Columns are the columns rows are compared on. Defaults to all.
	Columns  []string `yaml:"columns,omitempty"`
	Severity Severity `yaml:"severity,omitempty"`
}

// NullsCheck bounds the fraction of rows where the column is null.
type NullsCheck struct {
	MaxFraction float64  `yaml:"max_fraction"`
	Severity    Severity `yaml:"severity,omitempty"`
}

// RangeCheck bounds values to [Min, Max] (either may be open). NaN and ±Inf
// are outside any range. With MaxOutsideFraction 0 the range is hard.
type RangeCheck struct {
	Min                *Bound   `yaml:"min,omitempty"`
	Max                *Bound   `yaml:"max,omitempty"`
	MaxOutsideFraction float64  `yaml:"max_outside_fraction,omitempty"`
	Severity           Severity `yaml:"severity,omitempty"`
}

// NegativesCheck bounds the fraction of non-null values of a number
// column that are below zero (−Inf included, NaN not).
type NegativesCheck struct {
	MaxFraction float64  `yaml:"max_fraction"`
	Severity    Severity `yaml:"severity,omitempty"`
}

// ValuesCheck lists the allowed values (as text: strings as is, numbers in
// shortest decimal form, booleans true/false) and bounds the fraction of
// non-null values that are not among them.
type ValuesCheck struct {
	Allowed           []string `yaml:"allowed"`
	MaxUnseenFraction float64  `yaml:"max_unseen_fraction,omitempty"`
	Severity          Severity `yaml:"severity,omitempty"`
}

// PatternCheck bounds the fraction of non-null strings that do not match
// Regex (Go RE2 syntax, unanchored: use ^…$ to match whole values).
type PatternCheck struct {
	Regex              string   `yaml:"regex"`
	MaxFailingFraction float64  `yaml:"max_failing_fraction,omitempty"`
	Severity           Severity `yaml:"severity,omitempty"`
}

// UniqueCheck bounds the fraction of non-null values that repeat an
// earlier value. Nulls are not compared.
type UniqueCheck struct {
	MaxDuplicateFraction float64  `yaml:"max_duplicate_fraction,omitempty"`
	Severity             Severity `yaml:"severity,omitempty"`
}

// FreshnessCheck requires the column's latest time to be at most MaxAge
// before the run's clock (CheckOptions.Now).
type FreshnessCheck struct {
	MaxAge   time.Duration `yaml:"max_age"`
	Severity Severity      `yaml:"severity,omitempty"`
}

// RuleCheck is a row-level condition, an expression over the columns (see
// internal/colexpr: `arrival >= departure`, `month(date) <= 12`). Rows where
// it is false fail; rows where it cannot be evaluated because of a null are
// skipped. The fraction is of the rows where it was evaluated.
type RuleCheck struct {
	Name               string   `yaml:"name"`
	Expr               string   `yaml:"expr"`
	MaxFailingFraction float64  `yaml:"max_failing_fraction,omitempty"`
	Severity           Severity `yaml:"severity,omitempty"`
}

// Bound is a range limit: a number, or for time columns a time written as
// RFC 3339 ("2001-01-01T00:00:00Z"), without zone ("2001-01-01T00:00:00",
// read as UTC) or a date ("2001-01-01").
type Bound struct {
	Num    float64
	Time   time.Time
	IsTime bool
}

// timeLayouts are the accepted time formats of a Bound.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"}

// UnmarshalYAML reads a number or a time.
func (b *Bound) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: range bound: want a number or a time, got a %s", n.Line, nodeKind(n))}}
	}
	v, err := ParseBound(n.Value)
	if err != nil {
		// A TypeError lets the decoder go on and report other problems.
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*b = v
	return nil
}

// ParseBound reads a number or a time (see [Bound]).
func ParseBound(s string) (Bound, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return Bound{Num: f}, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Bound{Time: t, IsTime: true}, nil
		}
	}
	return Bound{}, fmt.Errorf("range bound %q: want a number (-3.5) or a time (2001-01-31, 2001-01-31T06:00:00Z)", s)
}

// String formats the bound as it is written in a file.
func (b Bound) String() string {
	if b.IsTime {
		return b.Time.Format(time.RFC3339Nano)
	}
	return strconv.FormatFloat(b.Num, 'g', -1, 64)
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// severity returns the first set severity of the chain, else error.
func severity(chain ...Severity) Severity {
	for _, s := range chain {
		if s != "" {
			return s
		}
	}
	return SeverityError
}
