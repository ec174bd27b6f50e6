package textout

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/validate/drift"
)

// DriftTable writes the ranked drift table, one row per feature. Lines
// keep tabwriter's padding (see TrimLines).
func DriftTable(w io.Writer, r *drift.Report) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "feature\tkind\tPSI\tKS\tW1\tJS\tnulls Δ\tverdict\tnotes")
	for _, f := range r.Features {
		ks, w1 := f.DistanceTexts()
		fmt.Fprintf(tw, "%s\t%s\t%.4f\t%s\t%s\t%.4f\t%+.4f\t%s\t%s\n", f.Name, f.Kind, f.PSI, ks, w1, f.JS,
			f.Nulls.Change, f.Verdict, strings.Join(f.Notes, "; "))
	}
	return tw.Flush()
}

// DriftCounts counts the features by verdict: "1 alert, 2 warn, 5 ok".
func DriftCounts(r *drift.Report) string {
	var n [3]int
	for _, f := range r.Features {
		n[min(int(f.Verdict), 2)]++
	}
	return fmt.Sprintf("%d alert, %d warn, %d ok", n[2], n[1], n[0])
}

// DriftReport writes what `refit drift` prints: the two sides (named by
// reference and current) with their row counts, the ranked drift table
// without padding, and the verdict with its counts.
func DriftReport(w io.Writer, reference, current string, r *drift.Report) error {
	var table strings.Builder
	if err := DriftTable(&table, r); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "reference: %s (%s rows)\ncurrent:   %s (%s rows)\n\n%s\ndrift: %s (%s)\n",
		reference, Count(r.ReferenceRows), current, Count(r.CurrentRows), TrimLines(table.String()), r.Verdict, DriftCounts(r))
	return err
}
