package expect

import (
	"context"
	"fmt"
	"time"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/profile"
)

// CheckOptions control Check. The zero value works for expectations
// without freshness checks.
type CheckOptions struct {
	// Now is the run's clock, for freshness checks (never read from the
	// system clock inside Check). Required when a freshness check exists.
	Now time.Time
	// MaxExamples is the most example rows kept per finding. Defaults to 5.
	MaxExamples int
	// MaxKeys is the most distinct values one uniqueness or duplicate-row
	// check keeps in memory (16 bytes each, plus map overhead). Past it the
	// check stops and reports that it could not finish. Defaults to 32M.
	MaxKeys int
	// Progress, when set, is called during the row pass with rows read so
	// far, from several goroutines.
	Progress func(rows int64)
}

func (o CheckOptions) withDefaults() CheckOptions {
	if o.MaxExamples <= 0 {
		o.MaxExamples = 5
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 32 << 20
	}
	return o
}

// pending is one check on its way to a finding: failing and total come from
// the profile (decided) or from the row pass (row set).
type pending struct {
	f       Finding
	limit   float64  // the largest allowed fraction
	decided bool     // the profile answered; row, when set, only adds examples
	row     rowCheck // evaluated in the row pass
	direct  bool     // f is a finding as is (schema, rows, freshness)
}

// Check evaluates the expectations against ds, whose full profile is prof
// (from [profile.Scan] without a filter). Checks the profile answers
// exactly (row count, schema, nulls, ranges whose min and max lie inside,
// allowed values and uniqueness when the value counts are exact, freshness)
// cost nothing more; the others, and failing checks that need example rows,
// share ONE extra parallel pass over the data, made only when needed.
//
// Expectations that do not fit the data (a regex on a number column, a rule
// naming an unknown column) are errors wrapping ErrInvalidExpectations,
// all reported at once. A column missing from the data is a schema finding,
// and its other checks are skipped.
func Check(ctx context.Context, ds *ingest.Dataset, prof *profile.Profile, exp *Expectations, opts CheckOptions) (*CheckResult, error) {
	rp, err := NewRowPass(ds, prof, exp, opts)
	if err != nil {
		return nil, err
	}
	var states []checkState
	if rp.Needed() {
		if states, err = rowPass(ctx, ds, rp.checks, rp.opts); err != nil {
			return nil, err
		}
	}
	return rp.finish(states), nil
}

// finish turns the planned checks and the row pass's states (one per row
// check, nil when no row pass was needed) into the result.
func (r *RowPass) finish(states []checkState) *CheckResult {
	res := &CheckResult{Checks: len(r.items), RowPass: r.Needed()}
	items := make([]pending, len(r.items))
	for i, p := range r.items {
		items[i] = *p
	}
	for j, st := range states {
		items[r.idx[j]].absorb(st)
	}
	for i := range items {
		if f, ok := items[i].result(); ok {
			res.Findings = append(res.Findings, f)
		} else {
			res.Passed = append(res.Passed, items[i].passed())
		}
	}
	return res
}

// absorb takes the row pass's answer: counts (unless decided) and examples.
func (p *pending) absorb(st checkState) {
	if !p.decided || st.incomplete != "" {
		p.f.Failing, p.f.Total = st.failing, st.total
	}
	p.f.Examples = st.examples
	if len(st.files) > 1 {
		p.f.Files = st.files
	}
	if st.incomplete != "" {
		p.f.Observed = st.incomplete
		p.direct = true
	}
}

// passed returns a check that passed as a finding would show it: its
// expectation and what was observed (failing rows within the limit),
// without examples.
func (p *pending) passed() Finding {
	f := p.f
	f.Examples, f.Files = nil, nil
	if f.Total > 0 {
		f.Fraction = float64(f.Failing) / float64(f.Total)
		obs := fmt.Sprintf("%s of %s (%s)", numfmt.Count(f.Failing), numfmt.Count(f.Total), percent(f.Fraction))
		if f.Observed != "" {
			obs = f.Observed + "; " + obs
		}
		f.Observed = obs
	}
	return f
}

// result returns the finding when the check failed.
func (p *pending) result() (Finding, bool) {
	if p.direct {
		return p.f, true
	}
	f := p.f
	if f.Total > 0 {
		f.Fraction = float64(f.Failing) / float64(f.Total)
	}
	if f.Failing == 0 || f.Fraction <= p.limit {
		return Finding{}, false
	}
	obs := fmt.Sprintf("%s of %s (%s)", numfmt.Count(f.Failing), numfmt.Count(f.Total), percent(f.Fraction))
	if f.Observed != "" {
		obs = f.Observed + "; " + obs
	}
	f.Observed = obs
	if f.Examples == nil {
		f.Examples = []Example{}
	}
	return f, true
}
