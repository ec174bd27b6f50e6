package report

import "github.com/refit-ml/refit/validate/expect"

// checkRow is one expectation check in the table of every check.
type checkRow struct {
	// Verdict is error or warn for a failed check, pass for a passed one.
	Verdict, Check, Subject, Expected, Observed string
}

// checkRows lists every check: the failed ones first (as findings), then
// the passed ones, each in expectations order.
func checkRows(findings, passed []expect.Finding) []checkRow {
	out := make([]checkRow, 0, len(findings)+len(passed))
	for _, f := range findings {
		out = append(out, checkRow{Verdict: string(f.Severity), Check: f.Check, Subject: subject(f), Expected: f.Expected, Observed: f.Observed})
	}
	for _, f := range passed {
		out = append(out, checkRow{Verdict: "pass", Check: f.Check, Subject: subject(f), Expected: f.Expected, Observed: f.Observed})
	}
	return out
}

// checksText says how many checks ran: "no expectation checks were
// configured" for none.
func checksText(n int) string {
	if n == 0 {
		return "no expectation checks were configured"
	}
	return plural(n, "expectation check")
}
