package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/coverage"
	"github.com/refit-ml/refit/validate/drift"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// Reference returns the profile the data is compared with, nil for none.
// The steps of one audit share it, so it should load once.
type Reference func(ctx context.Context) (*profile.Profile, error)

// Drift measures drift of the audited data (named current) against the
// reference (named name). An alerting feature is a warning finding, an
// error with failOnDrift.
func Drift(ref Reference, name, current string, failOnDrift bool) Step {
	return func(ctx context.Context, _ *ingest.Dataset, prof *profile.Profile) (report.Section, []expect.Finding, error) {
		rp, err := ref(ctx)
		if err != nil {
			return nil, nil, err
		}
		r, err := drift.Compare(ctx, rp, prof, drift.Options{})
		if err != nil {
			return nil, nil, err
		}
		sec := &report.DriftSection{Report: r, Reference: name, Current: current}
		return sec, DriftFindings(r, failOnDrift), nil
	}
}

// DriftFindings are the alerting features of r, as findings: warnings, or
// errors with failOnDrift.
func DriftFindings(r *drift.Report, failOnDrift bool) []expect.Finding {
	sev := expect.SeverityWarn
	if failOnDrift {
		sev = expect.SeverityError
	}
	var out []expect.Finding
	for _, f := range r.Features {
		if f.Verdict < validate.VerdictAlert {
			continue
		}
		obs := fmt.Sprintf("PSI %.4f, JS %.4f, null rate %+.4f", f.PSI, f.JS, f.Nulls.Change)
		if len(f.Notes) > 0 {
			obs += "; " + strings.Join(f.Notes, "; ")
		}
		out = append(out, expect.Finding{Check: "drift", Column: f.Name, Severity: sev, Observed: obs,
			Expected: fmt.Sprintf("PSI below %g and null-rate change below %g", r.Options.PSIAlert, r.Options.NullAlert)})
	}
	return out
}

// Coverage counts the configured and automatic slices of the audited
// data, with reference shares when ref returns a profile. Every coverage
// finding is a warning.
func Coverage(cfg coverage.Config, ref Reference) Step {
	return func(ctx context.Context, ds *ingest.Dataset, prof *profile.Profile) (report.Section, []expect.Finding, error) {
		rp, err := ref(ctx)
		if err != nil {
			return nil, nil, err
		}
		r, err := coverage.Measure(ctx, ds, cfg, coverage.Options{Reference: rp, Current: prof})
		if err != nil {
			return nil, nil, err
		}
		var out []expect.Finding
		for _, f := range r.Findings {
			out = append(out, expect.Finding{Check: "coverage", Rule: f.Slice, Severity: expect.SeverityWarn,
				Expected: "slice with enough rows and a stable share", Observed: f.Problem + ": " + f.Message})
		}
		return &report.CoverageSection{Report: r}, out, nil
	}
}
