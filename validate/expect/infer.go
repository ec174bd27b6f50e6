package expect

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate/profile"
)

// InferOptions control Infer. The zero value gives the defaults.
type InferOptions struct {
	// RowMargin widens the row-count range to rows·(1 ± RowMargin).
	// Defaults to 0.5.
	RowMargin float64
	// MaxCategories is the most distinct values a string column may have to
	// get an allowed-values check. Defaults to 50.
	MaxCategories int
	// MinUniqueRows is the fewest non-null values a column needs before it
	// is proposed as unique. Defaults to 20.
	MinUniqueRows int64
	// Source names the data in the header comment.
	Source string
}

func (o InferOptions) withDefaults() InferOptions {
	if o.RowMargin <= 0 {
		o.RowMargin = 0.5
	}
	if o.MaxCategories <= 0 {
		o.MaxCategories = 50
	}
	if o.MinUniqueRows <= 0 {
		o.MinUniqueRows = 20
	}
	return o
}

// Infer proposes expectations that the profiled data meets, for a person to
// edit:
//
//   - rows: from rows·(1−RowMargin) to rows·(1+RowMargin);
//   - schema: every column with its type, no extra columns;
//   - nulls: max_fraction 0 for columns without nulls, else the observed
//     fraction × 1.5 + 0.001 (rounded up to 4 decimals);
//   - range (numbers): the exact observed [min, max] widened by 10 % of the
//     interquartile range (10 % of max − min when the IQR is 0), not below
//     0 for non-negative columns, rounded outward (to integers for integer
//     columns, to 3 significant digits otherwise); NaN and ±Inf get a
//     max_outside_fraction like nulls. The p0.1 and p99.9 quantiles are in
//     the comment, to tighten it by hand. Time columns get no range (data
//     moves on); the comment suggests a freshness check instead;
//   - values: the allowed values of string and boolean columns with at most
//     MaxCategories distinct values, when the counts are exact;
//   - unique: integer and string columns whose values are all distinct
//     (exact counts), or, from the HyperLogLog estimate, at least 99 %
//     distinct, with max_duplicate_fraction = observed + 0.02 to absorb the
//     estimate's error.
//
// Checking the same data against the result gives no error findings.
func Infer(prof *profile.Profile, opts InferOptions) *Expectations {
	opts = opts.withDefaults()
	n := prof.Rows
	lo, hi := int64(math.Floor(float64(n)*(1-opts.RowMargin))), int64(math.Ceil(float64(n)*(1+opts.RowMargin)))
	e := &Expectations{Version: Version, Rows: &RowsCheck{Min: &lo, Max: &hi},
		Schema: &SchemaCheck{}, Columns: map[string]*ColumnExpectation{}, notes: map[string]string{}}
	e.notes[""] = header(prof, opts)
	e.notes["rows"] = fmt.Sprintf("%s rows observed; the range allows ±%g %%.", numfmt.Count(n), opts.RowMargin*100)
	e.notes["schema"] = "Columns must exist with these types; set allow_extra_columns: true to accept new ones."
	for _, cp := range prof.Columns {
		e.Columns[cp.Name] = inferColumn(prof, cp, opts, e.notes)
		e.ColumnOrder = append(e.ColumnOrder, cp.Name)
	}
	e.notes["rules"] = "Row-level rules, e.g.\n  - {name: arrival_after_departure, expr: arrival >= departure, max_failing_fraction: 0}"
	return e
}

func header(prof *profile.Profile, opts InferOptions) string {
	src := opts.Source
	if src == "" {
		src = "the data"
	}
	return strings.Join([]string{
		fmt.Sprintf("Expectations inferred by `refit infer` from %s (%s rows, %d columns).", src, numfmt.Count(prof.Rows), len(prof.Columns)),
		"Edit freely, then check data with `refit audit DATA --expect THIS_FILE`.",
		"Every check takes `severity: error` (fails the audit, the default) or `warn`.",
		"Checks per column: type, nulls, range, values, pattern, unique, freshness.",
	}, "\n")
}

func inferColumn(prof *profile.Profile, cp *profile.Column, opts InferOptions, notes map[string]string) *ColumnExpectation {
	path := "columns." + cp.Name
	c := &ColumnExpectation{Type: cp.Type.String()}
	notes[path] = columnNote(prof, cp)
	c.Nulls = &NullsCheck{MaxFraction: margin(cp.Nulls, prof.Rows)}
	if cp.Moments != nil && cp.Moments.Count > 0 && cp.Kind != profile.KindTemporal {
		c.Range = inferRange(cp)
		q := cp.Quantiles.QuantilesAt([]float64{0.001, 0.999})
		notes[path+".range"] = fmt.Sprintf("Observed min %g, max %g; p0.1 %g, p99.9 %g.",
			cp.Moments.Min, cp.Moments.Max, q[0], q[1])
	}
	if cp.Kind == profile.KindTemporal && cp.Moments.Count > 0 {
		notes[path+".type"] = fmt.Sprintf("Observed from %s to %s; to require recent data add `freshness: {max_age: 36h}`.",
			rawText(cp, float64(cp.IntRange.Min)), rawText(cp, float64(cp.IntRange.Max)))
	}
	if v := inferValues(cp, opts); v != nil {
		c.Values = v
	}
	c.Unique = inferUnique(cp, opts)
	return c
}

func columnNote(prof *profile.Profile, cp *profile.Column) string {
	s := fmt.Sprintf("%s: %s values, nulls: %s", cp.Name, numfmt.Count(cp.Count), numfmt.Count(cp.Nulls))
	if cp.TopK != nil {
		d, exact := cp.DistinctCount()
		approx := ""
		if !exact {
			approx = "~"
		}
		s += fmt.Sprintf(", %s%s distinct", approx, numfmt.Count(d))
	}
	return s + "."
}

// margin is the allowed fraction for an observed bad/total: 0 when none,
// else observed × 1.5 + 0.001, rounded up to 4 decimals, at most 1.
func margin(bad, total int64) float64 {
	if bad == 0 || total == 0 {
		return 0
	}
	f := float64(bad)/float64(total)*1.5 + 0.001
	return math.Min(1, math.Ceil(f*1e4)/1e4)
}

func inferRange(cp *profile.Column) *RangeCheck {
	m := cp.Moments
	lo, hi := m.Min, m.Max
	if cp.IntRange != nil {
		lo, hi = float64(cp.IntRange.Min), float64(cp.IntRange.Max)
	}
	q := cp.Quantiles.QuantilesAt([]float64{0.25, 0.75})
	w := 0.1 * (q[1] - q[0])
	if !(w > 0) {
		w = 0.1 * (hi - lo)
	}
	nlo, nhi := lo-w, hi+w
	if lo >= 0 {
		nlo = math.Max(nlo, 0)
	}
	nlo, nhi = roundOut(nlo, nhi, cp.Kind == profile.KindInt)
	r := &RangeCheck{Min: &Bound{Num: math.Min(nlo, lo)}, Max: &Bound{Num: math.Max(nhi, hi)}}
	r.MaxOutsideFraction = margin(m.NaN+m.PosInf+m.NegInf, cp.Count)
	return r
}

// roundOut rounds lo down and hi up: to integers, or to 3 significant
// digits of the larger magnitude.
func roundOut(lo, hi float64, integer bool) (float64, float64) {
	step := 1.0
	if mag := math.Max(math.Abs(lo), math.Abs(hi)); !integer && mag > 0 {
		step = math.Pow(10, math.Floor(math.Log10(mag))-2)
	} else if integer && mag >= 1e4 {
		step = math.Pow(10, math.Floor(math.Log10(mag))-3)
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step
}

func inferValues(cp *profile.Column, opts InferOptions) *ValuesCheck {
	if cp.Kind != profile.KindString && cp.Kind != profile.KindBool || !cp.TopK.Exact() || cp.Count == 0 {
		return nil
	}
	if cp.Lengths != nil && cp.Lengths.Max > stats.MaxKeptValue {
		return nil
	}
	entries := cp.TopK.Entries()
	if len(entries) > opts.MaxCategories || int64(len(entries)) >= cp.Count {
		return nil
	}
	v := &ValuesCheck{}
	for _, e := range entries {
		v.Allowed = append(v.Allowed, cp.FormatValue(e))
	}
	slices.Sort(v.Allowed)
	return v
}

func inferUnique(cp *profile.Column, opts InferOptions) *UniqueCheck {
	if cp.Kind != profile.KindInt && cp.Kind != profile.KindString && cp.Kind != profile.KindBinary || cp.Count < opts.MinUniqueRows {
		return nil
	}
	d, exact := cp.DistinctCount()
	switch {
	case exact && d == cp.Count:
		return &UniqueCheck{}
	case !exact && float64(d) >= 0.99*float64(cp.Count):
		dup := math.Max(0, 1-float64(d)/float64(cp.Count)) + 0.02
		return &UniqueCheck{MaxDuplicateFraction: math.Ceil(dup*100) / 100}
	}
	return nil
}
