package coverage

import (
	"fmt"
	"math"

	"github.com/refit-ml/refit/validate"
)

// Problems of a coverage finding.
const (
	ProblemFewRows   = "too few rows"
	ProblemShareFell = "share fell"
	ProblemShareRose = "share rose"
)

// shareNoiseZ is how many binomial standard errors a share must move
// before its change is a finding: on a few hundred rows a slice's share
// moves by a third or more from sampling alone.
const shareNoiseZ = 3

// report turns the counts into slices and findings.
func (p *slicePlan) report(c *sliceCounts, cfg Config, ref *Report) *Report {
	r := &Report{Rows: c.rows, Config: cfg, Label: labelRate(c.label)}
	refShares := map[string]float64{}
	if ref != nil {
		for _, s := range ref.Slices {
			refShares[s.Name] = s.Share
		}
	}
	for i, d := range p.defs {
		s := Slice{Name: d.name, Expr: d.expr, Kind: d.kind, Rows: c.slices[i].rows,
			ReferenceShare: d.refShare, Label: labelRate(c.slices[i])}
		if c.rows > 0 {
			s.Share = float64(s.Rows) / float64(c.rows)
		}
		if v, ok := refShares[d.name]; ok {
			s.ReferenceShare = &v
		}
		r.Findings = append(r.Findings, sliceFindings(&s, cfg, c.rows)...)
		r.Verdict = max(r.Verdict, s.Verdict)
		r.Slices = append(r.Slices, s)
	}
	return r
}

func labelRate(c counts) *LabelRate {
	if c.labeled == 0 {
		return nil
	}
	return &LabelRate{Labeled: c.labeled, Positive: c.positive, Rate: float64(c.positive) / float64(c.labeled)}
}

// sliceFindings checks one slice and sets its verdict. The null slice is
// never a finding: fewer nulls are no loss of coverage.
func sliceFindings(s *Slice, cfg Config, rows int64) []Finding {
	if s.Kind == SliceNulls {
		return nil
	}
	var out []Finding
	if s.Rows < cfg.MinRows {
		out = append(out, Finding{Slice: s.Name, Problem: ProblemFewRows, Verdict: validate.VerdictWarn,
			Message: fmt.Sprintf("%d rows, want at least %d", s.Rows, cfg.MinRows)})
	}
	if ref := s.ReferenceShare; ref != nil && *ref > 0 {
		out = append(out, shareFindings(s, *ref, cfg, rows)...)
	}
	for _, f := range out {
		s.Verdict = max(s.Verdict, f.Verdict)
	}
	return out
}

// shareFindings compares a slice's share with its reference share: a fall
// or a rise past the configured fraction that is also beyond sampling noise
// (shareNoiseZ standard errors of a binomial share at the reference rate on
// the current rows).
func shareFindings(s *Slice, ref float64, cfg Config, rows int64) []Finding {
	change := (s.Share - ref) / ref
	noise := 0.0
	if rows > 0 {
		noise = shareNoiseZ * math.Sqrt(ref*(1-ref)/float64(rows))
	}
	beyondNoise := math.Abs(s.Share-ref) > noise
	switch {
	case -change > cfg.MaxShareDrop && (beyondNoise || s.Rows == 0):
		v := validate.VerdictWarn
		if s.Rows == 0 {
			v = validate.VerdictAlert
		}
		return []Finding{{Slice: s.Name, Problem: ProblemShareFell, Verdict: v,
			Message: fmt.Sprintf("share %.4g%% vs %.4g%% in the reference (-%.0f%%, more than %.0f%%)",
				100*s.Share, 100*ref, -100*change, 100*cfg.MaxShareDrop)}}
	case change > cfg.MaxShareRise && beyondNoise:
		return []Finding{{Slice: s.Name, Problem: ProblemShareRose, Verdict: validate.VerdictWarn,
			Message: fmt.Sprintf("share %.4g%% vs %.4g%% in the reference (+%.0f%%, more than %.0f%%)",
				100*s.Share, 100*ref, 100*change, 100*cfg.MaxShareRise)}}
	}
	return nil
}
