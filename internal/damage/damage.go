// Package damage writes damaged copies of a Parquet file, to test that
// refit's quality gate blocks garbage: nulls in a column, negative values,
// absurd values, categories never seen, duplicated rows, each at a rate
// and seeded. The same seed and damages give the same file.
//
// Damages pick their rows independently (a row may carry several
// damages in different columns; damages of one column never share a row).
// Duplicates are copies of rows, carrying their damages, inserted right
// after the original. [Report] lists the rows each damage touched, as
// 0-based rows of the written file, so tests can check that findings name
// them.
//
// What each kind writes:
//
//   - nulls: null;
//   - negative: −v for rows whose value is above zero;
//   - absurd: an order of magnitude beyond anything in the column:
//     ±M·10^u with M = max |v| of the column and u uniform in [1, 3]
//     (10× to 1000×), negative half the time when the column has
//     negatives, clamped to the column type's range;
//   - unseen: one of Pool (default 10) new values not in the column, made
//     of upper-case letters with a digit, as long as the column's median
//     value (a code never issued, a typo'd key);
//   - duplicate: an exact copy of the row.
//
// Supported column types: integers, floats, strings, booleans (nulls and
// duplicates only), timestamps and dates (nulls and duplicates only).
package damage

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is a kind of damage.
type Kind string

// Kinds of damage.
const (
	Nulls     Kind = "nulls"
	Negative  Kind = "negative"
	Absurd    Kind = "absurd"
	Unseen    Kind = "unseen"
	Duplicate Kind = "duplicate"
)

// ErrInvalid marks a damage that cannot be applied (unknown kind, a rate
// outside [0, 1], a column missing or of the wrong type).
var ErrInvalid = errors.New("invalid damage")

// Damage is one kind of damage to a column, on a fraction of the rows.
type Damage struct {
	Kind   Kind
	Column string // empty for duplicates
	Rate   float64
}

func (d Damage) String() string {
	if d.Kind == Duplicate {
		return fmt.Sprintf("%s=%g", d.Kind, d.Rate)
	}
	return fmt.Sprintf("%s:%s=%g", d.Kind, d.Column, d.Rate)
}

// Parse reads a damage written as kind:column=rate ("nulls:distance=0.01")
// or duplicate=rate.
func Parse(s string) (Damage, error) {
	spec, rate, ok := strings.Cut(s, "=")
	if !ok {
		return Damage{}, fmt.Errorf("%w %q: want kind:column=rate, e.g. nulls:distance=0.01, or duplicate=0.002", ErrInvalid, s)
	}
	kind, col, _ := strings.Cut(spec, ":")
	r, err := strconv.ParseFloat(rate, 64)
	if err != nil {
		return Damage{}, fmt.Errorf("%w %q: rate %q is not a number", ErrInvalid, s, rate)
	}
	d := Damage{Kind: Kind(kind), Column: col, Rate: r}
	return d, d.validate()
}

func (d Damage) validate() error {
	switch d.Kind {
	case Nulls, Negative, Absurd, Unseen:
		if d.Column == "" {
			return fmt.Errorf("%w %s: name a column, e.g. %s:distance=0.01", ErrInvalid, d, d.Kind)
		}
	case Duplicate:
		if d.Column != "" {
			return fmt.Errorf("%w %s: duplicates copy whole rows: write duplicate=%g", ErrInvalid, d, d.Rate)
		}
	default:
		return fmt.Errorf("%w %q: want nulls, negative, absurd, unseen or duplicate", ErrInvalid, d.Kind)
	}
	if !(d.Rate >= 0 && d.Rate <= 1) {
		return fmt.Errorf("%w %s: the rate is a fraction of the rows, from 0 to 1", ErrInvalid, d)
	}
	return nil
}

// Options control a damage run. The zero value of each field gives its
// default.
type Options struct {
	// Seed makes the choice of rows and values reproducible.
	Seed uint64
	// Pool is the number of distinct new values an unseen damage writes.
	// Defaults to 10.
	Pool int
	// RowGroup is the rows per row group of the output. Defaults to 65536.
	RowGroup int
}

// Applied is a damage and the 0-based rows of the written file it
// touched, in order.
type Applied struct {
	Damage
	Rows []int64
}

// Report says what a damage run wrote.
type Report struct {
	InputRows  int64
	OutputRows int64
	Applied    []Applied
}
