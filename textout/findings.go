package textout

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/expect"
)

// Findings writes the findings of a check as a table after a blank line,
// with each finding's examples and per-file counts under it; nothing when
// there are none.
func Findings(w io.Writer, findings []expect.Finding) error {
	if len(findings) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "\nseverity\tcheck\tcolumn\texpected\tobserved")
	for _, f := range findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Check, findingSubject(f), f.Expected, f.Observed)
		if len(f.Examples) > 0 {
			fmt.Fprintf(tw, "\t\t\texamples: %s\n", examplesLine(f.Examples))
		}
		if len(f.Files) > 0 {
			fmt.Fprintf(tw, "\t\t\tby file: %s\n", filesLine(f.Files))
		}
	}
	return tw.Flush()
}

func findingSubject(f expect.Finding) string {
	switch {
	case f.Rule != "":
		return f.Rule
	case f.Column != "":
		return f.Column
	}
	return "-"
}

func filesLine(fs []expect.FileCount) string {
	parts := make([]string, len(fs))
	for i, fc := range fs {
		parts[i] = fc.File + " " + Count(fc.Failing)
	}
	return strings.Join(parts, ", ")
}

func examplesLine(ex []expect.Example) string {
	parts := make([]string, len(ex))
	for i, e := range ex {
		v := numfmt.Value(e.Value)
		if len(v) > 60 {
			v = v[:60] + "…"
		}
		parts[i] = e.Place() + " " + strconv.Quote(v)
	}
	return strings.Join(parts, ", ")
}
