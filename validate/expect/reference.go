package expect

import (
	"fmt"
	"math"
	"slices"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate/profile"
)

// ReferenceOptions control [InferReference]. The zero value gives the
// defaults.
type ReferenceOptions struct {
	// Columns are the columns to check (a model's features and the columns
	// its label reads). Defaults to every column of the reference.
	Columns []string
	// Alpha is the chance of a false alarm of each statistical bound (the
	// reference rate's upper bound, then the new batch's sampling noise).
	// Defaults to 0.001.
	Alpha float64
	// RangeSpreads is how far beyond the reference's extremes a value may
	// lie, in units of the reference's central spread (p99 − p1). Defaults
	// to 3.
	RangeSpreads float64
	// MinUnseenFraction is the share of non-null values of a categorical
	// column that may be values the reference never had, before sampling
	// noise; it absorbs the normal churn of rare categories. Defaults to
	// 0.001.
	MinUnseenFraction float64
	// RateSlack lets a rate (nulls, duplicates) exceed the reference's by
	// this relative amount even when the excess is statistically certain,
	// so huge batches do not fail on negligible changes. Defaults to 0.1.
	RateSlack float64
	// DuplicateRows, when set, is the number of rows of the reference that
	// repeat an earlier row over DuplicateColumns (see [DuplicateCounter]);
	// it enables the duplicate-row check. Nil: not checked.
	DuplicateRows *int64
	// DuplicateSlack is RateSlack for duplicate rows: coincidental
	// duplicates grow with how densely rows fall in time (a busier month
	// has more same-minute, same-route twins), so their rate may grow by
	// this much before noise counts. Defaults to 0.5.
	DuplicateSlack float64
	// DuplicateColumns are the columns rows are compared on. Defaults to
	// every column of the reference present in the new data.
	DuplicateColumns []string
	// Label, when set, adds the label's domain as rules (see
	// [LabelReference]); its rate is [CheckLabelRate]'s.
	Label *LabelReference
}

func (o ReferenceOptions) withDefaults() ReferenceOptions {
	if o.Alpha <= 0 || o.Alpha >= 0.5 {
		o.Alpha = 0.001
	}
	if o.RangeSpreads <= 0 {
		o.RangeSpreads = 3
	}
	if o.MinUnseenFraction <= 0 {
		o.MinUnseenFraction = 0.001
	}
	if o.RateSlack <= 0 {
		o.RateSlack = 0.1
	}
	if o.DuplicateSlack <= 0 {
		o.DuplicateSlack = 0.5
	}
	return o
}

// InferReference returns the checks a new batch of data (profiled as cur)
// must pass to be the same kind of data as the reference (typically a
// model's training rows), as error-severity expectations for [Check]:
// garbage fails them, drift that retraining handles does not. Limits on
// rates depend on the new batch's size, so infer again for every batch.
//
//   - schema: every checked column present with the reference's type
//     (extra columns are allowed);
//   - nulls: at most the reference's null rate, with its noise (the
//     one-sided Wilson upper bound at Alpha, at least (1+RateSlack) × the
//     rate) plus the new batch's binomial noise at that rate (its 1−Alpha
//     quantile). A column without nulls in 500,000 reference rows allows
//     about 0.004 % in an equal batch, so 1 % nulls fails;
//   - range (numbers): values within [min − k·S, max + k·S], the
//     reference's exact extremes widened by k = RangeSpreads central
//     spreads S = p99 − p1 (the IQR, then max − min, then 1 when S is 0);
//     the share outside may be the rate the reference does not rule out
//     (none were outside: Wilson upper bound of 0) plus noise. Values
//     an order of magnitude beyond anything seen (|v| ≥ 10·max(|min|,
//     |max|)) always fall outside, since the bounds lie within
//     (1+2k)·max(|min|, |max|) of zero; a distribution that moved (a
//     doubled distance) stays inside and is left to drift;
//   - negatives (numbers): when the reference had no value below zero,
//     negatives may be no more than that zero rate allows (as for range);
//   - values (strings whose reference counts are exact): values never seen
//     in the reference may be at most max(MinUnseenFraction, 3× the
//     Good–Turing estimate of unseen mass, singletons/values) of the
//     non-null values, plus noise;
//   - duplicate rows (when ReferenceOptions.DuplicateRows is set): at most
//     (1+DuplicateSlack) × the reference's share, with noise as for nulls;
//   - the label's domain (when ReferenceOptions.Label is set), as a rule
//     over its expression: a class among the reference's classes (unseen
//     share as for values), or a number within the widened range.
//     True/false labels need none; their rate is [CheckLabelRate]'s.
//
// Time columns get the schema and null checks only: new data is later by
// nature. Columns the reference lacks are skipped.
func InferReference(ref, cur *profile.Profile, opts ReferenceOptions) *Expectations {
	opts = opts.withDefaults()
	e := &Expectations{Version: Version, Severity: SeverityError,
		Schema: &SchemaCheck{AllowExtraColumns: true}, Columns: map[string]*ColumnExpectation{}, notes: map[string]string{}}
	e.notes[""] = fmt.Sprintf("Checks inferred from a reference of %s rows for a batch of %s rows (alpha %g).",
		numfmt.Count(ref.Rows), numfmt.Count(cur.Rows), opts.Alpha)
	names := opts.Columns
	if names == nil {
		for _, c := range ref.Columns {
			names = append(names, c.Name)
		}
	}
	for _, name := range names {
		rc := ref.ColumnNamed(name)
		if rc == nil || e.Columns[name] != nil {
			continue
		}
		e.Columns[name] = referenceColumn(ref, rc, cur, opts, e.notes)
		e.ColumnOrder = append(e.ColumnOrder, name)
	}
	if opts.DuplicateRows != nil {
		e.DuplicateRows = referenceDuplicates(ref, cur, opts)
	}
	if opts.Label != nil {
		e.Rules = labelRules(opts.Label, cur, opts)
	}
	return e
}

// referenceColumn infers one column's checks.
func referenceColumn(ref *profile.Profile, rc *profile.Column, cur *profile.Profile, o ReferenceOptions, notes map[string]string) *ColumnExpectation {
	c := &ColumnExpectation{Type: rc.Type.String()}
	cc := cur.ColumnNamed(rc.Name)
	var n int64 // the new batch's non-null values, for the value checks
	if cc != nil {
		n = cc.Count
	}
	c.Nulls = &NullsCheck{MaxFraction: allowedFraction(rc.Nulls, ref.Rows, cur.Rows, o.RateSlack, o.Alpha)}
	path := "columns." + rc.Name
	notes[path+".nulls"] = fmt.Sprintf("Reference: %s nulls of %s rows.", numfmt.Count(rc.Nulls), numfmt.Count(ref.Rows))
	m := rc.Moments
	if (rc.Kind == profile.KindInt || rc.Kind == profile.KindFloat) && m.Count > 0 {
		c.Range = referenceRange(rc, n, o)
		notes[path+".range"] = fmt.Sprintf("Reference min %g, max %g, widened by %g × (p99 − p1).", m.Min, m.Max, o.RangeSpreads)
		if m.Negatives+m.NegInf == 0 {
			c.Negatives = &NegativesCheck{MaxFraction: allowedFraction(0, rc.Count, n, o.RateSlack, o.Alpha)}
			notes[path+".negatives"] = fmt.Sprintf("The reference's %s values are never negative.", numfmt.Count(rc.Count))
		}
	}
	if v := referenceValues(rc, n, o); v != nil {
		c.Values = v
		notes[path+".values"] = fmt.Sprintf("The reference's %d values; new ones may be %s of the rows.", len(v.Allowed), percent(v.MaxUnseenFraction))
	}
	return c
}

// referenceRange is [min − k·S, max + k·S] (see InferReference).
func referenceRange(rc *profile.Column, n int64, o ReferenceOptions) *RangeCheck {
	m := rc.Moments
	q := rc.Quantiles.QuantilesAt([]float64{0.01, 0.25, 0.75, 0.99})
	s := q[3] - q[0]
	for _, alt := range []float64{q[2] - q[1], m.Max - m.Min, 1} {
		if s > 0 {
			break
		}
		s = alt
	}
	lo, hi := m.Min-o.RangeSpreads*s, m.Max+o.RangeSpreads*s
	lo, hi = roundOut(lo, hi, rc.Kind == profile.KindInt)
	outside := m.NaN + m.PosInf + m.NegInf
	return &RangeCheck{Min: &Bound{Num: lo}, Max: &Bound{Num: hi},
		MaxOutsideFraction: allowedFraction(outside, rc.Count, n, o.RateSlack, o.Alpha)}
}

// referenceValues lists the reference's values of a string column whose
// counts are exact, with the allowed share of unseen values.
func referenceValues(rc *profile.Column, n int64, o ReferenceOptions) *ValuesCheck {
	if rc.Kind != profile.KindString || rc.Count == 0 || !rc.TopK.Exact() || rc.Lengths != nil && rc.Lengths.Max > stats.MaxKeptValue {
		return nil
	}
	entries := rc.TopK.Entries()
	v := &ValuesCheck{Allowed: make([]string, 0, len(entries))}
	var singletons int64
	for _, e := range entries {
		v.Allowed = append(v.Allowed, rc.FormatValue(e))
		if e.Count == 1 {
			singletons++
		}
	}
	slices.Sort(v.Allowed)
	base := math.Max(o.MinUnseenFraction, 3*float64(singletons)/float64(rc.Count))
	if n > 0 {
		v.MaxUnseenFraction = float64(countUpper(n, math.Min(base, 1), o.Alpha)) / float64(n)
	}
	return v
}

// referenceDuplicates bounds duplicate rows by the reference's share.
func referenceDuplicates(ref, cur *profile.Profile, o ReferenceOptions) *DuplicateRowsCheck {
	cols := o.DuplicateColumns
	if cols == nil {
		for _, c := range ref.Columns {
			if cur.ColumnNamed(c.Name) != nil {
				cols = append(cols, c.Name)
			}
		}
	}
	return &DuplicateRowsCheck{Columns: cols,
		MaxFraction: allowedFraction(*o.DuplicateRows, ref.Rows, cur.Rows, o.DuplicateSlack, o.Alpha)}
}
