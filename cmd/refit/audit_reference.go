package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/refit-ml/refit/audit"
	"github.com/refit-ml/refit/validate/profile"
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
func auditSteps(f auditExtraFlags, sources []string) ([]audit.Step, error) {
	hasRef := len(f.reference.sources) > 0
	switch {
	case !hasRef && f.reference.where != "":
		return nil, errors.New("--reference-where needs --reference")
	case !hasRef && f.failOnDrift:
		return nil, errors.New("--fail-on-drift needs --reference")
	}
	ref := &referenceProfile{spec: f.reference}
	var steps []audit.Step
	if hasRef {
		steps = append(steps, audit.Drift(ref.get, ref.spec.String(), joinSources(sources), f.failOnDrift))
	}
	if f.coverage != "" {
		cfg, err := loadCoverageConfig(f.coverage)
		if err != nil {
			return nil, err
		}
		steps = append(steps, audit.Coverage(cfg, ref.get))
	}
	return steps, nil
}

// referenceProfile loads the reference side once, when first needed.
type referenceProfile struct {
	spec sideSpec
	prof *profile.Profile
}

// get returns the reference profile; nil without --reference.
func (r *referenceProfile) get(ctx context.Context) (*profile.Profile, error) {
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
