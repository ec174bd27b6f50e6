package coverage

import (
	"testing"

	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/internal/vtest"
)

// TestShareFindings: a slice's share is a finding when it fell or rose
// past the configured fraction and beyond sampling noise, not otherwise.
func TestShareFindings(t *testing.T) {
	cfg := Config{MinRows: 1}.withDefaults()
	tests := []struct {
		name     string
		ref      float64
		rows     int64 // all current rows
		sliceN   int64
		want     string
		wantVerd validate.Verdict
	}{
		// The flights tail of the issue: delay > p99 went from 0.91 % to
		// 1.81 % of 500,000 rows.
		{"tail doubled", 0.0091, 500_000, 9050, ProblemShareRose, validate.VerdictWarn},
		{"tail halved", 0.0091, 500_000, 2000, ProblemShareFell, validate.VerdictWarn},
		{"slice vanished", 0.0091, 500_000, 0, ProblemShareFell, validate.VerdictAlert},
		{"steady", 0.0091, 500_000, 4600, "", validate.VerdictOK},
		{"up 40 %: within the rise limit", 0.10, 500_000, 70_000, "", validate.VerdictOK},
		// 600 rows at a 5 % share: 30 rows ± 16 (3 SE); 45 rows is +50 %
		// but within noise, 70 rows is not.
		{"small sample noise", 0.05, 600, 46, "", validate.VerdictOK},
		{"small sample real rise", 0.05, 600, 70, ProblemShareRose, validate.VerdictWarn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Slice{Name: "x", Kind: SliceExpr, Rows: tt.sliceN, Share: float64(tt.sliceN) / float64(tt.rows), ReferenceShare: &tt.ref}
			fs := sliceFindings(&s, cfg, tt.rows)
			got := ""
			for _, f := range fs {
				if f.Problem != ProblemFewRows {
					got = f.Problem
				}
			}
			vtest.Eq(t, "problem", got, tt.want)
			vtest.Eq(t, "verdict", s.Verdict, tt.wantVerd)
		})
	}
}
