package evaluate

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText writes results side by side as `refit evaluate` prints them:
// one column per model; a row per metric (sorted), the baselines of
// binary models, the cost figures; then the headline metric per slice.
func WriteText(w io.Writer, rows int, label string, res []Result) error {
	fmt.Fprintf(w, "%d rows, label %s\n\n", rows, label)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	tableRow(tw, "metric", res, func(r Result) string { return r.Model })
	for _, name := range metricNames(res) {
		tableRow(tw, name, res, func(r Result) string { return FormatMetric(r.Metrics, name) })
	}
	writeBaselines(tw, res)
	fmt.Fprintln(tw, "\t")
	for _, name := range []string{CostBytes, CostTensorBytes, CostParams, CostNonzeros,
		CostLatencyP50, CostLatencyP99, CostRowsPerSec, CostE2ERowsPerSec} {
		tableRow(tw, name, res, func(r Result) string { return FormatMetric(r.Cost.Metrics(), name) })
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeSliceTable(w, res)
}

// tableRow writes one table row: a label, then one cell per model.
func tableRow(w io.Writer, label string, res []Result, cell func(Result) string) {
	cells := []string{label}
	for _, r := range res {
		cells = append(cells, cell(r))
	}
	fmt.Fprintln(w, strings.Join(cells, "\t")+"\t")
}

// writeSliceTable writes rows and the headline metric of each model per slice.
func writeSliceTable(w io.Writer, res []Result) error {
	if len(res) == 0 || len(res[0].Slices) == 0 {
		return nil
	}
	head := Headline(res[0].Task)
	fmt.Fprintf(w, "\nslices (%s)\n", head)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	cells := []string{"slice", "rows"}
	for _, r := range res {
		cells = append(cells, r.Model)
	}
	fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	for i, s := range res[0].Slices {
		cells = []string{s.Name, fmt.Sprint(s.Rows)}
		for _, r := range res {
			cells = append(cells, FormatMetric(r.Slices[i].Metrics, head))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}

// metricNames is the union of the results' metric names, sorted.
func metricNames(res []Result) []string {
	seen := map[string]bool{}
	var names []string
	for _, r := range res {
		for name := range r.Metrics {
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// FormatMetric formats m[name] with four significant digits (values of
// 1e4 and beyond in full), or "-" when absent.
func FormatMetric(m map[string]float64, name string) string {
	v, ok := m[name]
	switch {
	case !ok:
		return "-"
	case v >= 1e4 || v <= -1e4:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// writeBaselines writes what a binary model that learned nothing scores,
// beside the metrics: the majority class's accuracy, the prevalence and
// the AUC of chance.
func writeBaselines(w io.Writer, res []Result) {
	if !slices.ContainsFunc(res, func(r Result) bool { return r.Curves != nil }) {
		return
	}
	baseline := func(f func(c *Curves) float64) func(Result) string {
		return func(r Result) string {
			if r.Curves == nil {
				return "-"
			}
			return strconv.FormatFloat(f(r.Curves), 'g', 4, 64)
		}
	}
	fmt.Fprintln(w, "\t")
	tableRow(w, "majority-class accuracy", res, baseline((*Curves).BaselineAccuracy))
	tableRow(w, "prevalence", res, baseline((*Curves).Prevalence))
	tableRow(w, "chance auc", res, baseline(func(*Curves) float64 { return 0.5 }))
}
