package expect

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/profile"
)

// LabelReference describes a model's label for [InferReference] and
// [CheckLabelRate]: the expression and profiles of its values.
type LabelReference struct {
	// Expr is the label expression, e.g. "delay > 15".
	Expr string
	// Reference profiles the expression's values on the reference rows.
	Reference *profile.Column
	// Classes says the label is a class (a binary or multiclass task):
	// new values must be among the reference's. Otherwise a number label
	// is range-checked like a column.
	Classes bool
}

// Label rate bands, as factors on the odds p/(1−p) of the reference's
// positive rate: a new rate beyond labelErrorOdds (×10 or ÷10, e.g. 20 %
// → under 2.4 % or over 71 %) with confidence is an error: an order of
// magnitude in the odds is what a broken label does (a unit change, a
// default value, a constant), while real concept drift moves them less in
// one batch (flights 2001 month to month: at most 1.35×; the demo's drift
// month, a deliberately large shift: 5.8×). Beyond labelWarnOdds (×1.5)
// it is a warning, the world changing, which retraining handles.
const (
	labelErrorOdds = 10
	labelWarnOdds  = 1.5
)

// maxLabelClasses bounds the classes listed in a label_classes rule.
const maxLabelClasses = 1000

// labelRules are the domain checks of a label that is not true/false, as
// rules over its expression: a class among the reference's classes (exact
// counts) with the unseen share of categorical columns, or a number within
// the reference's range widened as for columns.
func labelRules(l *LabelReference, cur *profile.Profile, o ReferenceOptions) []RuleCheck {
	rc := l.Reference
	if rc == nil || rc.Count == 0 || rc.Kind == profile.KindBool {
		return nil
	}
	switch {
	case l.Classes && (rc.Kind == profile.KindInt || rc.Kind == profile.KindString) && rc.TopK.Exact() && rc.TopK.Len() <= maxLabelClasses:
		return []RuleCheck{classRule(l, rc, cur, o)}
	case !l.Classes && (rc.Kind == profile.KindInt || rc.Kind == profile.KindFloat):
		r := referenceRange(rc, cur.Rows, o)
		return []RuleCheck{{Name: "label_range", Severity: SeverityError, MaxFailingFraction: r.MaxOutsideFraction,
			Expr: fmt.Sprintf("(%s) >= %s && (%s) <= %s", l.Expr, r.Min, l.Expr, r.Max)}}
	}
	return nil
}

// classRule requires the label's value to be one of the reference's.
func classRule(l *LabelReference, rc *profile.Column, cur *profile.Profile, o ReferenceOptions) RuleCheck {
	var vals []string
	for _, e := range rc.TopK.Entries() {
		v := rc.FormatValue(e)
		if rc.Kind == profile.KindString {
			v = strconv.Quote(v)
		}
		vals = append(vals, v)
	}
	slices.Sort(vals)
	limit := float64(countUpper(cur.Rows, o.MinUnseenFraction, o.Alpha)) / math.Max(1, float64(cur.Rows))
	return RuleCheck{Name: "label_classes", Severity: SeverityError, MaxFailingFraction: limit,
		Expr: fmt.Sprintf("(%s) in [%s]", l.Expr, strings.Join(vals, ", "))}
}

// CheckLabelRate compares the positive rate of a true/false label on new
// rows (cur, a profile of the expression's values there) with the
// reference's. Beyond sampling noise (the Clopper–Pearson interval at
// opts.Alpha), a rate whose odds moved more than 10× is an error, more
// than 1.5× a warning. It also reports a label whose type changed. ok is false when
// the label passes or is not true/false in the reference (or was constant
// there); when it passes, f is the check as it passed (expectation and
// observation, for a list of every check), else the zero Finding.
func CheckLabelRate(l *LabelReference, cur *profile.Column, opts ReferenceOptions) (f Finding, ok bool) {
	opts = opts.withDefaults()
	rc := l.Reference
	if rc == nil || cur == nil {
		return Finding{}, false
	}
	f = Finding{Check: CheckLabel, Column: l.Expr, Severity: SeverityError}
	if !arrow.TypeEqual(rc.Type, cur.Type) {
		f.Expected, f.Observed = "label of type "+rc.Type.String(), "type "+cur.Type.String()
		return f, true
	}
	if rc.Kind != profile.KindBool || cur.Count == 0 {
		return Finding{}, false
	}
	kt, nt := trueCount(rc), rc.Count
	if kt == 0 || kt == nt {
		return Finding{}, false
	}
	k, n := trueCount(cur), cur.Count
	pt := float64(kt) / float64(nt)
	lo, hi := rateLower(k, n, opts.Alpha), rateUpper(k, n, opts.Alpha)
	f.Failing, f.Total, f.Fraction = k, n, float64(k)/float64(n)
	f.Observed = fmt.Sprintf("positive rate %s (%s of %s); reference %s", percent(f.Fraction), numfmt.Count(k), numfmt.Count(n), percent(pt))
	for _, b := range []struct {
		odds float64
		sev  Severity
	}{{labelErrorOdds, SeverityError}, {labelWarnOdds, SeverityWarn}} {
		pLo, pHi := oddsScale(pt, 1/b.odds), oddsScale(pt, b.odds)
		if hi < pLo || lo > pHi {
			f.Severity = b.sev
			f.Expected = fmt.Sprintf("positive rate within [%s, %s] (reference odds ÷/× %g)", percent(pLo), percent(pHi), b.odds)
			return f, true
		}
	}
	// Passed: f is the check as it passed, for a list of every check.
	pLo, pHi := oddsScale(pt, 1/labelWarnOdds), oddsScale(pt, labelWarnOdds)
	f.Severity = SeverityWarn
	f.Expected = fmt.Sprintf("positive rate within [%s, %s] (reference odds ÷/× %g)", percent(pLo), percent(pHi), labelWarnOdds)
	return f, false
}

// trueCount is the number of true values of a boolean column.
func trueCount(c *profile.Column) int64 {
	for _, e := range c.TopK.Entries() {
		if e.Key == 1 {
			return e.Count
		}
	}
	return 0
}

// oddsScale multiplies the odds of rate p by f and returns the rate.
func oddsScale(p, f float64) float64 {
	o := p / (1 - p) * f
	return o / (1 + o)
}

// LabelProfiler profiles the values of a label expression record by
// record, as a one-column profile whose column is named after the
// expression. The zero value is not usable: build one with
// [NewLabelProfiler].
type LabelProfiler struct {
	prog *colexpr.Program
	prof *profile.Profile
}

// NewLabelProfiler compiles expr against schema.
func NewLabelProfiler(expr string, schema *arrow.Schema) (*LabelProfiler, error) {
	prog, err := colexpr.Compile(expr, schema)
	if err != nil {
		return nil, fmt.Errorf("validate: label: %w", err)
	}
	return &LabelProfiler{prog: prog}, nil
}

// Add evaluates the expression on rec and profiles the values. rec is
// only read during the call.
func (l *LabelProfiler) Add(rec arrow.Record) error {
	arr, err := l.prog.Eval(rec)
	if err != nil {
		return fmt.Errorf("validate: label %q: %w", l.prog.Source(), err)
	}
	defer arr.Release()
	if l.prof == nil {
		field := arrow.Field{Name: l.prog.Source(), Type: arr.DataType(), Nullable: true}
		l.prof = profile.New(arrow.NewSchema([]arrow.Field{field}, nil), profile.Options{})
	}
	if err := l.prof.Columns[0].Add(arr); err != nil {
		return err
	}
	l.prof.Rows += int64(arr.Len())
	return nil
}

// Profile returns the values' one-column profile, nil before any record.
func (l *LabelProfiler) Profile() *profile.Profile { return l.prof }

// ProfileLabel profiles a label expression over records.
func ProfileLabel(ctx context.Context, expr string, schema *arrow.Schema, records iter.Seq2[arrow.Record, error]) (*profile.Profile, error) {
	lp, err := NewLabelProfiler(expr, schema)
	if err != nil {
		return nil, err
	}
	for rec, err := range records {
		if err != nil {
			return nil, err
		}
		if err := lp.Add(rec); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return lp.Profile(), nil
}
