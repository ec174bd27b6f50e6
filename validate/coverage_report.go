package validate

import "fmt"

// Problems of a coverage finding.
const (
	ProblemFewRows   = "too few rows"
	ProblemShareFell = "share fell"
)

// report turns the counts into slices and findings.
func (p *slicePlan) report(c *sliceCounts, cfg CoverageConfig, ref *CoverageReport) *CoverageReport {
	r := &CoverageReport{Rows: c.rows, Config: cfg, Label: labelRate(c.label)}
	refShares := map[string]float64{}
	if ref != nil {
		for _, s := range ref.Slices {
			refShares[s.Name] = s.Share
		}
	}
	for i, d := range p.defs {
		s := SliceCoverage{Name: d.name, Expr: d.expr, Kind: d.kind, Rows: c.slices[i].rows,
			ReferenceShare: d.refShare, Label: labelRate(c.slices[i])}
		if c.rows > 0 {
			s.Share = float64(s.Rows) / float64(c.rows)
		}
		if v, ok := refShares[d.name]; ok {
			s.ReferenceShare = &v
		}
		r.Findings = append(r.Findings, sliceFindings(&s, cfg)...)
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
func sliceFindings(s *SliceCoverage, cfg CoverageConfig) []CoverageFinding {
	if s.Kind == SliceNulls {
		return nil
	}
	var out []CoverageFinding
	if s.Rows < cfg.MinRows {
		out = append(out, CoverageFinding{Slice: s.Name, Problem: ProblemFewRows, Verdict: VerdictWarn,
			Message: fmt.Sprintf("%d rows, want at least %d", s.Rows, cfg.MinRows)})
	}
	if ref := s.ReferenceShare; ref != nil && *ref > 0 {
		drop := (*ref - s.Share) / *ref
		if drop > cfg.MaxShareDrop {
			v := VerdictWarn
			if s.Rows == 0 {
				v = VerdictAlert
			}
			out = append(out, CoverageFinding{Slice: s.Name, Problem: ProblemShareFell, Verdict: v,
				Message: fmt.Sprintf("share %.4g%% vs %.4g%% in the reference (-%.0f%%, more than %.0f%%)",
					100*s.Share, 100**ref, 100*drop, 100*cfg.MaxShareDrop)})
		}
	}
	for _, f := range out {
		s.Verdict = max(s.Verdict, f.Verdict)
	}
	return out
}
