package report

import (
	"html/template"
	"time"

	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/validate/profile"
)

// Audit is everything a data audit report shows.
type Audit struct {
	// Title heads the report. Defaults to "refit audit".
	Title string
	// GeneratedAt is the run's clock; the zero time is left out.
	GeneratedAt time.Time
	Dataset     Dataset
	// Profile gives one card per column; nil leaves the cards out.
	Profile *profile.Result
	// Checks is the number of expectation checks evaluated.
	Checks   int
	Findings []expect.Finding
	// Passed are the checks that passed (expect.CheckResult.Passed);
	// the report lists them beside the findings.
	Passed []expect.Finding
	// Sections are optional parts placed after the findings, in order.
	Sections []Section
}

// Dataset describes the audited data.
type Dataset struct {
	Sources     []string
	Files       int
	Rows        int64
	Bytes       int64
	Fingerprint string
}

// Section is an optional part of a report (drift, coverage, a run's
// timeline). HTML returns a fragment placed inside the report's <body>; it
// must be safe HTML (build it with html/template). Markdown returns a
// fragment in GitHub-flavoured Markdown.
type Section interface {
	Title() string
	HTML() (template.HTML, error)
	Markdown() string
}

// Verdict is the outcome of an audit.
type Verdict string

// Verdicts.
const (
	Pass Verdict = "pass" // no findings
	Warn Verdict = "warn" // only warnings
	Fail Verdict = "fail" // at least one error
)

// Verdict derives the verdict from the findings.
func (a *Audit) Verdict() Verdict {
	v := Pass
	for _, f := range a.Findings {
		if f.Severity == expect.SeverityError {
			return Fail
		}
		v = Warn
	}
	return v
}

// counts returns the numbers of error and warning findings.
func (a *Audit) counts() (errs, warns int) {
	for _, f := range a.Findings {
		if f.Severity == expect.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

func (a *Audit) title() string {
	if a.Title == "" {
		return "refit audit"
	}
	return a.Title
}

// verdictText is the one-line verdict.
func (a *Audit) verdictText() string {
	errs, warns := a.counts()
	switch a.Verdict() {
	case Fail:
		return plural(errs, "error") + ", " + plural(warns, "warning") + ": failed"
	case Warn:
		return "passed with " + plural(warns, "warning")
	}
	return "passed"
}
