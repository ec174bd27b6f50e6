// Package audit checks a dataset against expectations and assembles what
// `refit audit` prints and reports: the profile, the checks and their
// findings, and optional steps that add a report section and findings of
// their own (drift against a reference, coverage of slices).
//
// The caller opens the data and profiles it; Run only decides.
// Comparisons turns `refit audit`'s drift and coverage options into steps;
// WriteText and NewJSON render the result as `refit audit` prints it, and
// WriteFiles saves the HTML report and the Markdown summary. Nothing here
// writes to a terminal.
package audit

import (
	"context"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/report"
	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// Input is what one audit checks.
type Input struct {
	// Sources name the data as given, for the report.
	Sources []string
	// Dataset is the data; Profile its profile (profile.Scan).
	Dataset *ingest.Dataset
	Profile *profile.Profile
	// Expectations are the checks.
	Expectations *expect.Expectations
	// Check are the options of expect.Check (its clock, key limit and
	// progress).
	Check expect.CheckOptions
	// Checked, when set, is called once the expectations are checked and
	// before the steps run, e.g. to end a progress line.
	Checked func()
}

// Step is an optional part of an audit: it sees the data and its profile
// and returns a report section (nil for none) and findings to add.
type Step func(ctx context.Context, ds *ingest.Dataset, prof *profile.Profile) (report.Section, []expect.Finding, error)

// Run checks the expectations and runs the steps, in order, returning the
// report model and the check result, whose findings include the steps'.
func Run(ctx context.Context, in Input, steps ...Step) (*report.Audit, *expect.CheckResult, error) {
	res, err := expect.Check(ctx, in.Dataset, in.Profile, in.Expectations, in.Check)
	if in.Checked != nil {
		in.Checked()
	}
	if err != nil {
		return nil, nil, err
	}
	result := in.Profile.Result(profile.ResultOptions{})
	a := &report.Audit{GeneratedAt: in.Check.Now, Profile: &result, Checks: res.Checks, Passed: res.Passed,
		Dataset: report.Dataset{Sources: in.Sources, Files: len(in.Dataset.Files()), Rows: in.Profile.Rows}}
	for _, fi := range in.Dataset.Files() {
		a.Dataset.Bytes += fi.Bytes
	}
	for _, step := range steps {
		sec, findings, err := step(ctx, in.Dataset, in.Profile)
		if err != nil {
			return nil, nil, err
		}
		if sec != nil {
			a.Sections = append(a.Sections, sec)
		}
		res.Findings = append(res.Findings, findings...)
	}
	a.Findings = res.Findings
	return a, res, nil
}
