package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate"
)

// auditExtraFlags are audit's optional comparisons: drift against a
// reference and coverage of slices.
type auditExtraFlags struct {
	reference   sideSpec
	coverage    string
	failOnDrift bool
}

// auditSteps turns the flags into audit steps: drift first (it loads the
// reference), then coverage (which reuses it for reference shares).
func auditSteps(f auditExtraFlags, sources []string) ([]auditStep, error) {
	hasRef := len(f.reference.sources) > 0
	switch {
	case !hasRef && f.reference.where != "":
		return nil, errors.New("--reference-where needs --reference")
	case !hasRef && f.failOnDrift:
		return nil, errors.New("--fail-on-drift needs --reference")
	}
	ref := &referenceProfile{spec: f.reference}
	var steps []auditStep
	if hasRef {
		steps = append(steps, driftStep(ref, joinSources(sources), f.failOnDrift))
	}
	if f.coverage != "" {
		cfg, err := loadCoverageConfig(f.coverage)
		if err != nil {
			return nil, err
		}
		steps = append(steps, coverageStep(cfg, ref))
	}
	return steps, nil
}

// referenceProfile loads the reference side once, when first needed.
type referenceProfile struct {
	spec sideSpec
	prof *validate.Profile
}

// get returns the reference profile; nil without --reference.
func (r *referenceProfile) get(ctx context.Context) (*validate.Profile, error) {
	if r.prof != nil || len(r.spec.sources) == 0 {
		return r.prof, nil
	}
	p, err := r.spec.load(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("--reference: %w", err)
	}
	r.prof = p
	return p, nil
}

// driftStep measures drift of the audited data against the reference. An
// alerting feature is a warning finding, an error with failOnDrift.
func driftStep(ref *referenceProfile, current string, failOnDrift bool) auditStep {
	return func(ctx context.Context, _ *ingest.Dataset, prof *validate.Profile) (report.Section, []validate.Finding, error) {
		rp, err := ref.get(ctx)
		if err != nil {
			return nil, nil, err
		}
		r, err := validate.Drift(ctx, rp, prof, validate.DriftOptions{})
		if err != nil {
			return nil, nil, err
		}
		sec := &report.DriftSection{Report: r, Reference: ref.spec.String(), Current: current}
		return sec, driftFindings(r, failOnDrift), nil
	}
}

// driftFindings are the alerting features, as findings.
func driftFindings(r *validate.DriftReport, failOnDrift bool) []validate.Finding {
	sev := validate.SeverityWarn
	if failOnDrift {
		sev = validate.SeverityError
	}
	var out []validate.Finding
	for _, f := range r.Features {
		if f.Verdict < validate.VerdictAlert {
			continue
		}
		obs := fmt.Sprintf("PSI %.4f, JS %.4f, null rate %+.4f", f.PSI, f.JS, f.Nulls.Change)
		if len(f.Notes) > 0 {
			obs += "; " + strings.Join(f.Notes, "; ")
		}
		out = append(out, validate.Finding{Check: "drift", Column: f.Name, Severity: sev, Observed: obs,
			Expected: fmt.Sprintf("PSI below %g and null-rate change below %g", r.Options.PSIAlert, r.Options.NullAlert)})
	}
	return out
}

// coverageStep counts the configured and automatic slices of the audited
// data, with reference shares when there is a reference. Every coverage
// finding is a warning.
func coverageStep(cfg validate.CoverageConfig, ref *referenceProfile) auditStep {
	return func(ctx context.Context, ds *ingest.Dataset, prof *validate.Profile) (report.Section, []validate.Finding, error) {
		rp, err := ref.get(ctx)
		if err != nil {
			return nil, nil, err
		}
		r, err := validate.Coverage(ctx, ds, cfg, validate.CoverageOptions{Reference: rp, Current: prof})
		if err != nil {
			return nil, nil, err
		}
		var out []validate.Finding
		for _, f := range r.Findings {
			out = append(out, validate.Finding{Check: "coverage", Rule: f.Slice, Severity: validate.SeverityWarn,
				Expected: "slice with enough rows and a stable share", Observed: f.Problem + ": " + f.Message})
		}
		return &report.CoverageSection{Report: r}, out, nil
	}
}
