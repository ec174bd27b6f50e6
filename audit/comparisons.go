package audit

import (
	"errors"
	"fmt"
	"os"

	"github.com/refit-ml/refit/internal/profileio"
	"github.com/refit-ml/refit/validate/coverage"
)

// Comparisons are an audit's optional steps as `refit audit` takes them
// (its errors name its flags): drift against a reference, coverage of
// slices.
type Comparisons struct {
	// Reference is what the data's drift is measured against (--reference,
	// --reference-where); no sources measure no drift.
	Reference profileio.Side
	// Coverage is a coverage config file (--coverage); empty counts no
	// slices.
	Coverage string
	// FailOnDrift makes a drift alert an error finding (--fail-on-drift).
	FailOnDrift bool
}

// Steps returns the comparisons' steps: drift first (it loads the
// reference), then coverage, which reuses the reference for its shares.
// current names the audited data in the drift section.
func (c Comparisons) Steps(current string) ([]Step, error) {
	hasRef := len(c.Reference.Sources) > 0
	switch {
	case !hasRef && c.Reference.Where != "":
		return nil, errors.New("--reference-where needs --reference")
	case !hasRef && c.FailOnDrift:
		return nil, errors.New("--fail-on-drift needs --reference")
	}
	ref := &profileio.Lazy{Side: c.Reference, Name: "--reference"}
	var steps []Step
	if hasRef {
		steps = append(steps, Drift(ref.Profile, c.Reference.String(), current, c.FailOnDrift))
	}
	if c.Coverage == "" {
		return steps, nil
	}
	b, err := os.ReadFile(c.Coverage)
	if err != nil {
		return nil, fmt.Errorf("--coverage: %w", err)
	}
	cfg, err := coverage.DecodeConfig(c.Coverage, b)
	if err != nil {
		return nil, err
	}
	return append(steps, Coverage(cfg, ref.Profile)), nil
}
