package expect

import "strconv"

// Names of checks, as they appear in findings.
const (
	CheckRows          = "rows"
	CheckSchema        = "schema"
	CheckNulls         = "nulls"
	CheckRange         = "range"
	CheckNegatives     = "negatives"
	CheckValues        = "values"
	CheckPattern       = "pattern"
	CheckUnique        = "unique"
	CheckDuplicateRows = "duplicate_rows"
	CheckFreshness     = "freshness"
	CheckRule          = "rule"
	CheckLabel         = "label"
)

// Finding is a check that did not pass.
type Finding struct {
	Check    string   `json:"check"`
	Column   string   `json:"column,omitempty"`
	Rule     string   `json:"rule,omitempty"` // the rule's name, for rule checks
	Severity Severity `json:"severity"`
	Expected string   `json:"expected"`
	Observed string   `json:"observed"`
	// Failing counts the failing rows or values, out of Total; Fraction is
	// Failing/Total (0 when Total is 0).
	Failing  int64   `json:"failing"`
	Total    int64   `json:"total"`
	Fraction float64 `json:"fraction"`
	// Examples are the first failing rows (at most CheckOptions.MaxExamples)
	// in dataset order.
	Examples []Example `json:"examples,omitempty"`
	// Files are the failing rows per file, in file order, when the rows
	// were scanned and more than one file has some (which file is bad).
	Files []FileCount `json:"files,omitempty"`
}

// FileCount is the number of failing rows in one file.
type FileCount struct {
	File    string `json:"file"`
	Failing int64  `json:"failing"`
}

// Example is a failing row: its 0-based index in the dataset (files in
// order, rows in file order), its file and 0-based row in that file, and
// its value as text ("null" for nulls).
type Example struct {
	Row int64 `json:"row"`
	// File is the path of the row's file as the dataset lists it; empty
	// when unknown.
	File    string `json:"file,omitempty"`
	FileRow int64  `json:"file_row"`
	Value   string `json:"value"`
}

// Place names the row: "path:row" (the row within its file), or "row N"
// (in the dataset) when the file is unknown.
func (e Example) Place() string {
	if e.File == "" {
		return "row " + strconv.FormatInt(e.Row, 10)
	}
	return e.File + ":" + strconv.FormatInt(e.FileRow, 10)
}

// CheckResult is the outcome of checking expectations against data.
type CheckResult struct {
	// Checks is the number of checks evaluated.
	Checks int `json:"checks"`
	// Findings are the failed checks, in expectations order.
	Findings []Finding `json:"findings"`
	// Passed are the checks that passed, in expectations order, each
	// with its expectation and what was observed (its Severity is the
	// one it would have failed with).
	Passed []Finding `json:"passed,omitempty"`
	// RowPass tells whether a row pass over the data was needed beyond the
	// profile.
	RowPass bool `json:"row_pass"`
}

// Count returns the number of findings of severity s.
func (r *CheckResult) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Failed reports whether any finding has error severity.
func (r *CheckResult) Failed() bool { return r.Count(SeverityError) > 0 }
