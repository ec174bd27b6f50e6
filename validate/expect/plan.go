package expect

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/colexpr"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/stats"
	"github.com/refit-ml/refit/validate/profile"
)

// planner turns expectations into pending checks, answering from the
// profile what it can.
type planner struct {
	ds    *ingest.Dataset
	prof  *profile.Profile
	exp   *Expectations
	opts  CheckOptions
	probs *problems
	items []*pending
}

func (pl *planner) add(p *pending) { pl.items = append(pl.items, p) }

func (pl *planner) plan() {
	pl.planRows()
	pl.planSchema()
	for _, name := range pl.exp.columnNames() {
		i := pl.prof.Schema.FieldIndices(name)
		if len(i) == 0 {
			continue // a schema finding
		}
		pl.planColumn(name, i[0], pl.exp.Columns[name])
	}
	pl.planDuplicates()
	pl.planRules()
}

func (pl *planner) planRows() {
	r := pl.exp.Rows
	if r == nil {
		return
	}
	n := pl.prof.Rows
	p := &pending{f: Finding{Check: CheckRows, Severity: severity(r.Severity, pl.exp.Severity),
		Expected: "rows " + boundsText(r.Min, r.Max), Observed: numfmt.Count(n) + " rows"}}
	p.direct = r.Min != nil && n < *r.Min || r.Max != nil && n > *r.Max
	if !p.direct {
		p.decided = true
	}
	pl.add(p)
}

func boundsText(lo, hi *int64) string {
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("from %s to %s", numfmt.Count(*lo), numfmt.Count(*hi))
	case lo != nil:
		return "at least " + numfmt.Count(*lo)
	case hi != nil:
		return "at most " + numfmt.Count(*hi)
	}
	return "any number"
}

// planSchema adds one check per expected column (present, with its type)
// and, unless extra columns are allowed, one for unexpected columns.
func (pl *planner) planSchema() {
	var sev Severity
	if pl.exp.Schema != nil {
		sev = pl.exp.Schema.Severity
	}
	schema := pl.prof.Schema
	for _, name := range pl.exp.columnNames() {
		c := pl.exp.Columns[name]
		p := &pending{f: Finding{Check: CheckSchema, Column: name, Severity: severity(sev, c.Severity, pl.exp.Severity)}, decided: true}
		i := schema.FieldIndices(name)
		switch {
		case len(i) == 0:
			p.f.Expected, p.f.Observed, p.direct = "column present"+typeText(c.Type), "missing", true
		case c.Type != "" && schema.Field(i[0]).Type.String() != c.Type:
			p.f.Expected, p.f.Observed, p.direct = "type "+c.Type, "type "+schema.Field(i[0]).Type.String(), true
		}
		pl.add(p)
	}
	if pl.exp.Schema == nil || pl.exp.Schema.AllowExtraColumns {
		return
	}
	for _, f := range schema.Fields() {
		if _, ok := pl.exp.Columns[f.Name]; !ok {
			pl.add(&pending{f: Finding{Check: CheckSchema, Column: f.Name, Severity: severity(sev, pl.exp.Severity),
				Expected: "no column outside the expectations", Observed: "extra column of type " + f.Type.String()}, direct: true})
		}
	}
}

func typeText(t string) string {
	if t == "" {
		return ""
	}
	return " (type " + t + ")"
}

func (pl *planner) planColumn(name string, col int, c *ColumnExpectation) {
	cp := pl.prof.Columns[col]
	path := "columns." + name
	sev := func(s Severity) Severity { return severity(s, c.Severity, pl.exp.Severity) }
	base := func(check string, s Severity, limit float64) *pending {
		return &pending{f: Finding{Check: check, Column: name, Severity: sev(s)}, limit: limit}
	}
	if n := c.Nulls; n != nil {
		p := base(CheckNulls, n.Severity, n.MaxFraction)
		p.f.Expected = "null fraction <= " + percent(n.MaxFraction)
		p.f.Failing, p.f.Total, p.decided = cp.Nulls, pl.prof.Rows, true
		if fails(p.f.Failing, p.f.Total, p.limit) {
			p.row = &nullsCheck{col: col}
		}
		pl.add(p)
	}
	if r := c.Range; r != nil {
		pl.planRange(base(CheckRange, r.Severity, r.MaxOutsideFraction), path+".range", col, r)
	}
	if ng := c.Negatives; ng != nil {
		pl.planNegatives(base(CheckNegatives, ng.Severity, ng.MaxFraction), path+".negatives", col)
	}
	if v := c.Values; v != nil {
		pl.planValues(base(CheckValues, v.Severity, v.MaxUnseenFraction), path+".values", col, v)
	}
	if r := c.Pattern; r != nil {
		pl.planPattern(base(CheckPattern, r.Severity, r.MaxFailingFraction), path+".pattern", col, r)
	}
	if u := c.Unique; u != nil {
		pl.planUnique(base(CheckUnique, u.Severity, u.MaxDuplicateFraction), path+".unique", col)
	}
	if f := c.Freshness; f != nil {
		pl.planFreshness(base(CheckFreshness, f.Severity, 0), path+".freshness", col, f)
	}
}

// fails reports whether failing of total exceeds the allowed fraction.
func fails(failing, total int64, limit float64) bool {
	return failing > 0 && float64(failing)/float64(total) > limit
}

func (pl *planner) planRange(p *pending, path string, col int, r *RangeCheck) {
	cp := pl.prof.Columns[col]
	if cp.Moments == nil {
		pl.probs.add(path, "range on column %q of type %s: ranges need numbers or times", cp.Name, cp.Type)
		return
	}
	lo, hi, err := rawBounds(cp.Type, r)
	if err != nil {
		pl.probs.add(path, "range on column %q: %v", cp.Name, err)
		return
	}
	p.f.Expected = "values within [" + boundText(r.Min, "-inf") + ", " + boundText(r.Max, "+inf") + "]"
	if p.limit > 0 {
		p.f.Expected += ", at most " + percent(p.limit) + " outside"
	}
	m := cp.Moments
	if m.Count > 0 {
		p.f.Observed = "min " + observedText(cp, m.Min) + ", max " + observedText(cp, m.Max)
	}
	p.f.Total = cp.Count
	p.decided = m.NaN+m.PosInf+m.NegInf == 0 && (m.Count == 0 || m.Min >= lo && m.Max <= hi)
	if !p.decided {
		p.row = &rangeCheck{col: col, lo: lo, hi: hi}
	}
	pl.add(p)
}

// planNegatives counts negatives from the profile; the row pass only
// adds examples.
func (pl *planner) planNegatives(p *pending, path string, col int) {
	cp := pl.prof.Columns[col]
	if cp.Kind != profile.KindInt && cp.Kind != profile.KindFloat {
		pl.probs.add(path, "negatives on column %q of type %s: negatives need a number column", cp.Name, cp.Type)
		return
	}
	p.f.Expected = "no negative values"
	if p.limit > 0 {
		p.f.Expected = "negative values <= " + percent(p.limit)
	}
	m := cp.Moments
	p.f.Failing, p.f.Total, p.decided = m.Negatives+m.NegInf, cp.Count, true
	if m.Count > 0 {
		p.f.Observed = "min " + observedText(cp, m.Min)
	}
	if fails(p.f.Failing, p.f.Total, p.limit) {
		p.row = &negativesCheck{col: col}
	}
	pl.add(p)
}

func boundText(b *Bound, open string) string {
	if b == nil {
		return open
	}
	return b.String()
}

// rawText formats a raw statistic of a column: times as times.
func rawText(cp *profile.Column, v float64) string {
	if cp.Kind == profile.KindTemporal {
		layout := "2006-01-02T15:04:05.999999999Z07:00"
		if t, ok := cp.Type.(*arrow.TimestampType); ok && t.TimeZone == "" {
			layout = "2006-01-02T15:04:05.999999999" // naive: a wall clock, no zone to state
		}
		return cp.TimeOf(int64(v)).Format(layout)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// observedText formats an observed statistic for people: times as times,
// numbers to 7 significant digits (no 16-digit floats in a finding).
func observedText(cp *profile.Column, v float64) string {
	switch {
	case cp.Kind == profile.KindTemporal:
		return rawText(cp, v)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', 7, 64)
}

// rawBounds converts a range to the column's raw values: times to the
// column's unit, open ends to ±Inf.
func rawBounds(dt arrow.DataType, r *RangeCheck) (lo, hi float64, err error) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if r.Min != nil {
		if lo, err = rawBound(dt, *r.Min); err != nil {
			return 0, 0, err
		}
	}
	if r.Max != nil {
		if hi, err = rawBound(dt, *r.Max); err != nil {
			return 0, 0, err
		}
	}
	return lo, hi, nil
}

func rawBound(dt arrow.DataType, b Bound) (float64, error) {
	temporal := profile.KindOf(dt) == profile.KindTemporal
	if !b.IsTime {
		if temporal {
			return 0, fmt.Errorf("bound %s is a number but the column holds %s: write a time such as 2001-01-31T00:00:00Z", b, dt)
		}
		return b.Num, nil
	}
	switch t := dt.(type) {
	case *arrow.TimestampType:
		v, err := arrow.TimestampFromTime(b.Time, t.Unit)
		return float64(v), err
	case *arrow.Date32Type:
		return float64(arrow.Date32FromTime(b.Time)), nil
	case *arrow.Date64Type:
		return float64(arrow.Date64FromTime(b.Time)), nil
	}
	return 0, fmt.Errorf("bound %s is a time but the column holds %s: write a number", b, dt)
}

func (pl *planner) planValues(p *pending, path string, col int, v *ValuesCheck) {
	cp := pl.prof.Columns[col]
	if cp.TopK == nil {
		pl.probs.add(path, "values on column %q of type %s: allowed values need a scalar column", cp.Name, cp.Type)
		return
	}
	allowed := make(map[string]bool, len(v.Allowed))
	for _, a := range v.Allowed {
		allowed[a] = true
	}
	p.f.Expected = fmt.Sprintf("one of %d allowed values", len(allowed))
	if p.limit > 0 {
		p.f.Expected += ", at most " + percent(p.limit) + " others"
	}
	p.f.Total = cp.Count
	if unseen, ok := exactFailing(cp, func(s string) bool { return allowed[s] }); ok {
		p.f.Failing, p.decided = unseen, true
	}
	if !p.decided || fails(p.f.Failing, p.f.Total, p.limit) {
		p.row = &predCheck{col: col, pred: func(s string) bool { return allowed[s] }}
	}
	pl.add(p)
}

// exactFailing counts the values failing ok from exact value counts, when
// the profile has them in full (every value kept whole).
func exactFailing(cp *profile.Column, ok func(string) bool) (int64, bool) {
	if !cp.TopK.Exact() || cp.Lengths != nil && cp.Lengths.Max > stats.MaxKeptValue {
		return 0, false
	}
	var n int64
	for _, e := range cp.TopK.Entries() {
		if !ok(cp.FormatValue(e)) {
			n += e.Count
		}
	}
	return n, true
}

func (pl *planner) planPattern(p *pending, path string, col int, r *PatternCheck) {
	cp := pl.prof.Columns[col]
	if cp.Kind != profile.KindString {
		pl.probs.add(path, "pattern on column %q of type %s: patterns need a string column", cp.Name, cp.Type)
		return
	}
	re, err := regexp.Compile(r.Regex)
	if err != nil {
		pl.probs.add(path+".regex", "regex %q: %v", r.Regex, err)
		return
	}
	p.f.Expected = "values match " + r.Regex
	if p.limit > 0 {
		p.f.Expected += ", at most " + percent(p.limit) + " not"
	}
	p.f.Total = cp.Count
	if n, ok := exactFailing(cp, re.MatchString); ok {
		p.f.Failing, p.decided = n, true
	}
	if !p.decided || fails(p.f.Failing, p.f.Total, p.limit) {
		p.row = &predCheck{col: col, pred: re.MatchString}
	}
	pl.add(p)
}

func (pl *planner) planUnique(p *pending, path string, col int) {
	cp := pl.prof.Columns[col]
	if cp.TopK == nil {
		pl.probs.add(path, "unique on column %q of type %s: uniqueness needs a scalar column", cp.Name, cp.Type)
		return
	}
	p.f.Expected = "unique values"
	if p.limit > 0 {
		p.f.Expected += ", at most " + percent(p.limit) + " repeated"
	}
	p.f.Total = cp.Count
	if d, exact := cp.DistinctCount(); exact {
		p.f.Failing, p.decided = cp.Count-d, true
	}
	if !p.decided || fails(p.f.Failing, p.f.Total, p.limit) {
		p.row = newUniqueCheck([]int{col}, pl.opts.MaxKeys, false)
	}
	pl.add(p)
}

func (pl *planner) planFreshness(p *pending, path string, col int, f *FreshnessCheck) {
	cp := pl.prof.Columns[col]
	switch cp.Type.ID() {
	case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
	default:
		pl.probs.add(path, "freshness on column %q of type %s: freshness needs a timestamp or date column", cp.Name, cp.Type)
		return
	}
	if pl.opts.Now.IsZero() {
		pl.probs.add(path, "freshness needs the run's clock: pass --now (or CheckOptions.Now)")
		return
	}
	p.f.Expected = "latest value at most " + durationText(f.MaxAge) + " before " + pl.opts.Now.UTC().Format("2006-01-02T15:04:05Z")
	p.decided = true
	if cp.Moments.Count == 0 {
		p.f.Observed, p.direct = "no values", true
	} else {
		latest := cp.TimeOf(cp.IntRange.Max)
		age := pl.opts.Now.Sub(latest)
		p.f.Observed = "latest " + latest.Format("2006-01-02T15:04:05.999999999Z07:00") + ", " + durationText(age) + " old"
		p.direct = age > f.MaxAge
	}
	pl.add(p)
}

func (pl *planner) planDuplicates() {
	d := pl.exp.DuplicateRows
	if d == nil {
		return
	}
	cols, err := columnIndices(pl.prof.Schema, d.Columns)
	if err != nil {
		pl.probs.add("duplicate_rows.columns", "duplicate_rows: %v", err)
		return
	}
	p := &pending{f: Finding{Check: CheckDuplicateRows, Severity: severity(d.Severity, pl.exp.Severity),
		Expected: "duplicate rows <= " + percent(d.MaxFraction)}, limit: d.MaxFraction}
	p.row = newUniqueCheck(cols, pl.opts.MaxKeys, true)
	pl.add(p)
}

// columnIndices returns the indices of names in s, or of every column when
// names is empty.
func columnIndices(s *arrow.Schema, names []string) ([]int, error) {
	if len(names) == 0 {
		cols := make([]int, s.NumFields())
		for i := range cols {
			cols[i] = i
		}
		return cols, nil
	}
	cols := make([]int, len(names))
	for i, n := range names {
		idx := s.FieldIndices(n)
		if len(idx) == 0 {
			return nil, fmt.Errorf("no column %q in the data", n)
		}
		cols[i] = idx[0]
	}
	return cols, nil
}

func (pl *planner) planRules() {
	for i, r := range pl.exp.Rules {
		path := "rules." + strconv.Itoa(i) + ".expr"
		prog, err := colexpr.Compile(r.Expr, pl.prof.Schema)
		if err == nil {
			err = prog.MustBool()
		}
		if err != nil {
			pl.probs.add(path, "rule %q: %v", r.Name, err)
			continue
		}
		p := &pending{f: Finding{Check: CheckRule, Rule: r.Name, Severity: severity(r.Severity, pl.exp.Severity),
			Expected: r.Expr}, limit: r.MaxFailingFraction}
		if p.limit > 0 {
			p.f.Expected += ", failing on at most " + percent(p.limit)
		}
		p.row = &ruleCheck{prog: prog, cols: ruleColumns(pl.prof.Schema, prog)}
		pl.add(p)
	}
}

func ruleColumns(s *arrow.Schema, prog *colexpr.Program) []int {
	var out []int
	for _, name := range prog.Columns() {
		if i := s.FieldIndices(name); len(i) > 0 && !slices.Contains(out, i[0]) {
			out = append(out, i[0])
		}
	}
	return out
}

// durationText formats a duration readably, rounded to the second, without
// trailing zero units: "36h", "1h30m", "2m", "1m30s", "10s", "8279.0 days".
func durationText(d time.Duration) string {
	if d >= 72*time.Hour || d <= -72*time.Hour {
		return strconv.FormatFloat(d.Hours()/24, 'f', 1, 64) + " days"
	}
	s := d.Round(time.Second).String()
	// Only whole zero units go: "2m0s" is "2m" and "1h0m0s" is "1h", but
	// the 0 of "10s" or "1m30s" is a digit of the seconds.
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
	}
	return s
}
