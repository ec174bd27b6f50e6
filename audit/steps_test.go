package audit

import (
	"testing"

	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
)

func TestDriftFindings(t *testing.T) {
	r := &drift.Report{
		Options: drift.Options{PSIAlert: 0.25, NullAlert: 0.05},
		Features: []drift.Feature{
			{Name: "distance", Verdict: validate.VerdictAlert, PSI: 0.41, JS: 0.2, Notes: []string{"new mode"}},
			{Name: "origin", Verdict: validate.VerdictWarn, PSI: 0.12},
			{Name: "delay", Verdict: validate.VerdictAlert, PSI: 0.01, Nulls: drift.Nulls{Change: 0.3}},
		},
	}
	for _, tt := range []struct {
		fail bool
		sev  expect.Severity
	}{{false, expect.SeverityWarn}, {true, expect.SeverityError}} {
		got := DriftFindings(r, tt.fail)
		if len(got) != 2 || got[0].Column != "distance" || got[1].Column != "delay" {
			t.Fatalf("failOnDrift %v: findings %+v, want distance and delay (origin only warns)", tt.fail, got)
		}
		for _, f := range got {
			if f.Severity != tt.sev || f.Check != "drift" {
				t.Errorf("failOnDrift %v: finding %+v, want check drift severity %v", tt.fail, f, tt.sev)
			}
		}
		if want := "PSI 0.4100, JS 0.2000, null rate +0.0000; new mode"; got[0].Observed != want {
			t.Errorf("observed %q, want %q", got[0].Observed, want)
		}
		if want := "PSI below 0.25 and null-rate change below 0.05"; got[0].Expected != want {
			t.Errorf("expected %q, want %q", got[0].Expected, want)
		}
	}
}
