package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/refit-ml/refit/validate/expect"
	"github.com/refit-ml/refit/workspace"
)

// TestEveryCheckListed checks the audit report lists passed checks beside
// the failed ones, each with its expectation, observation and verdict.
func TestEveryCheckListed(t *testing.T) {
	a := sample()
	a.Passed = []expect.Finding{{Check: "not_null", Column: "origin", Severity: expect.SeverityError,
		Expected: "nulls <= 0%", Observed: "0 of 3,000,000 (0%)"}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, a); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`id="checks"`, "4 checks: the failed ones first",
		`<tr class="pass"><td class="sev pass">pass</td><td>not_null</td><td>origin</td><td>nulls &lt;= 0%</td><td>0 of 3,000,000 (0%)</td></tr>`,
		`<tr class="error"><td class="sev">error</td><td>range</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %s", want)
		}
	}
}

// TestNoChecksConfigured checks a report without expectation checks says
// so rather than that every check passed.
func TestNoChecksConfigured(t *testing.T) {
	a := &Audit{Dataset: Dataset{Sources: []string{"x.parquet"}, Rows: 10}}
	var page, md bytes.Buffer
	if err := WriteHTML(&page, a); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, a); err != nil {
		t.Fatal(err)
	}
	run := &workspace.Record{ID: "r000001", Outcome: workspace.OutcomeKept}
	var runPage bytes.Buffer
	if err := WriteRunHTML(&runPage, run); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"audit html": page.String(), "markdown": md.String(), "run html": runPage.String()} {
		if !strings.Contains(out, "no expectation checks were configured") {
			t.Errorf("%s lacks \"no expectation checks were configured\"", name)
		}
		if strings.Contains(out, "every check passed") {
			t.Errorf("%s says every check passed with no checks", name)
		}
	}
}
