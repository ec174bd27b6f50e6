package textout

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/refit-ml/refit/validate/profile"
)

// Profile writes a profile as one table row per column: type, count,
// nulls, distinct values, min, median, max, mean and the top value.
func Profile(w io.Writer, r profile.Result) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "%s rows\n", Count(r.Rows))
	fmt.Fprintln(tw, "column\ttype\tcount\tnulls\tdistinct\tmin\tp50\tmax\tmean\ttop value")
	for _, c := range r.Columns {
		lo, mid, hi, mean := columnStats(c)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Name, c.Type, Count(c.Count),
			Percent(c.Nulls, r.Rows), Distinct(c), lo, mid, hi, mean, topText(c))
	}
	return tw.Flush()
}

// columnStats formats min, p50, max and mean ("-" where they do not apply).
func columnStats(c profile.ColumnResult) (lo, mid, hi, mean string) {
	lo, mid, hi, mean = "-", "-", "-", "-"
	switch n := c.Numeric; {
	case c.TimeRange != nil:
		lo, hi = c.TimeRange.Min.Format("2006-01-02 15:04:05"), c.TimeRange.Max.Format("2006-01-02 15:04:05")
	case n != nil && n.Finite > 0:
		lo, hi, mean = statText(n.Min), statText(n.Max), statText(n.Mean)
		for _, q := range n.Quantiles {
			if q.P == 0.5 {
				mid = statText(q.Value)
			}
		}
	case c.Lengths != nil && c.Count > 0:
		lo, hi = "len "+strconv.FormatInt(c.Lengths.Min, 10), "len "+strconv.FormatInt(c.Lengths.Max, 10)
	}
	return lo, mid, hi, mean
}

func statText(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// Distinct formats a column's distinct count: exact, "~" before an
// estimate, "-" for columns of kind other.
func Distinct(c profile.ColumnResult) string {
	if c.Kind == "other" {
		return "-"
	}
	if c.DistinctExact {
		return Count(c.Distinct)
	}
	return "~" + Count(c.Distinct)
}

func topText(c profile.ColumnResult) string {
	if len(c.TopK) == 0 || c.Count == 0 {
		return "-"
	}
	v := c.TopK[0].Value
	if len(v) > 30 {
		v = v[:30] + "…"
	}
	return strconv.Quote(v) + " " + Percent(c.TopK[0].Count, c.Count)
}
