package textout

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/refit-ml/refit/validate/coverage"
)

// Coverage writes the slices as a table, then the findings and a summary
// line.
func Coverage(w io.Writer, r *coverage.Report) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "slice\tkind\trows\tshare\treference\tlabel rate\tverdict")
	for _, s := range r.Slices {
		ref, label := "-", "-"
		if s.ReferenceShare != nil {
			ref = fmt.Sprintf("%.2f%%", 100**s.ReferenceShare)
		}
		if s.Label != nil {
			label = fmt.Sprintf("%.4f", s.Label.Rate)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f%%\t%s\t%s\t%s\n", s.Name, s.Kind, Count(s.Rows), 100*s.Share, ref, label, s.Verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "%s: %s: %s (%s)\n", f.Verdict, f.Slice, f.Problem, f.Message)
	}
	_, err := fmt.Fprintf(w, "coverage: %s (%d slices, %d findings)\n", r.Verdict, len(r.Slices), len(r.Findings))
	return err
}
