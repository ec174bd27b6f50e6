package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/optimize"
)

// compareRow is one quantity of the optimization before/after table.
type compareRow struct {
	Quantity, Before, After, Change string
}

// optimizationRows compares the float parent with the optimized candidate
// from their evaluations; nil without a float parent.
func optimizationRows(models []modelResult, o *optimize.Result) []compareRow {
	parent, opt := findModel(models, evaluate.RoleParent), findModel(models, evaluate.RoleCandidate)
	if parent == nil || opt == nil {
		return nil
	}
	metric := headlineMetric(o, opt)
	pc, oc := parent.Cost, opt.Cost
	rows := []compareRow{
		compareNum(metric+" on the "+numfmt.Count(int64(opt.Rows))+" holdout rows", parent.Metrics[metric], opt.Metrics[metric], "%.4f"),
		compareNum("parameters", float64(pc.Params), float64(oc.Params), "%.0f"),
		compareNum("non-zero parameters", float64(pc.Nonzeros), float64(oc.Nonzeros), "%.0f"),
		{"size", numfmt.Bytes(pc.Bytes), numfmt.Bytes(oc.Bytes), change(float64(pc.Bytes), float64(oc.Bytes))},
		compareNum("latency p50 (µs)", pc.LatencyP50Us, oc.LatencyP50Us, "%.1f"),
		compareNum("latency p99 (µs)", pc.LatencyP99Us, oc.LatencyP99Us, "%.1f"),
		compareNum("rows/s (batch 1024)", pc.RowsPerSec, oc.RowsPerSec, "%.0f"),
	}
	return rows
}

// headlineMetric is the optimization's metric, else the task's headline
// (auc, rmse, accuracy), else the candidate's first.
func headlineMetric(o *optimize.Result, m *modelResult) string {
	if o != nil && o.Metric != "" {
		if _, ok := m.Metrics[o.Metric]; ok {
			return o.Metric
		}
	}
	for _, k := range []string{evaluate.AUC, evaluate.RMSE, evaluate.Accuracy} { // each task's headline
		if _, ok := m.Metrics[k]; ok {
			return k
		}
	}
	keys := slices.Sorted(maps.Keys(m.Metrics))
	if len(keys) == 0 {
		return "metric"
	}
	return keys[0]
}

func compareNum(q string, before, after float64, format string) compareRow {
	b, a := fmt.Sprintf(format, before), fmt.Sprintf(format, after)
	if format == "%.0f" {
		b, a = numfmt.Count(int64(before)), numfmt.Count(int64(after))
	}
	return compareRow{q, b, a, change(before, after)}
}

// change is the relative change from before to after, "-75.0%".
func change(before, after float64) string {
	if before == 0 {
		return "-"
	}
	return fmt.Sprintf("%+.1f%%", 100*(after-before)/before)
}

// attemptRow is one optimization attempt, formatted.
type attemptRow struct {
	Variant, Metric, Drop, Reason string
	Kept                          bool
}

func attemptRows(o *optimize.Result) []attemptRow {
	if o == nil {
		return nil
	}
	out := make([]attemptRow, len(o.Attempts))
	for i, a := range o.Attempts {
		out[i] = attemptRow{Variant: variantText(a), Metric: fmt.Sprintf("%.4f", a.Metric),
			Drop: fmt.Sprintf("%+.4f", a.Drop), Kept: a.Kept, Reason: a.Reason}
	}
	return out
}

// variantText is "sparsity 80% structured, int8 (layers 0 float)".
func variantText(a optimize.Attempt) string {
	s := fmt.Sprintf("sparsity %.0f%%", 100*a.Sparsity)
	if a.Structured {
		s += " structured"
	}
	if a.Quantized {
		s += ", int8"
	}
	if len(a.FloatLayers) > 0 {
		layers := make([]string, len(a.FloatLayers))
		for i, l := range a.FloatLayers {
			layers[i] = strconv.Itoa(l)
		}
		s += " (float layers " + strings.Join(layers, ", ") + ")"
	}
	return s
}

// evalRow is one metric of every model.
type evalRow struct {
	Metric string
	Values []string
}

// evaluationTable lays out metrics × models: the header names each model
// by role and version, each row is a metric (the union of every model's),
// then the holdout rows.
func evaluationTable(models []modelResult) ([]string, []evalRow) {
	if len(models) == 0 {
		return nil, nil
	}
	header := make([]string, len(models))
	keys := map[string]bool{}
	for i, m := range models {
		header[i] = modelTitle(m)
		for k := range m.Metrics {
			keys[k] = true
		}
	}
	var rows []evalRow
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		row := evalRow{Metric: k + " (holdout)"}
		for _, m := range models {
			v, ok := m.Metrics[k]
			row.Values = append(row.Values, map[bool]string{true: fmt.Sprintf("%.4f", v), false: "-"}[ok])
		}
		rows = append(rows, row)
	}
	holdout := evalRow{Metric: "holdout rows"}
	for _, m := range models {
		holdout.Values = append(holdout.Values, numfmt.Count(int64(m.Rows)))
	}
	return header, append(rows, holdout)
}

// sliceMetricRow is one slice: its rows (as the first model saw them) and the
// metric of every model.
type sliceMetricRow struct {
	Name, Rows, Positives string
	Values                []string
}

// sliceTable lays out one metric per slice × model, slices in the order
// the first model lists them.
func sliceTable(models []modelResult, metric string) []sliceMetricRow {
	var rows []sliceMetricRow
	for _, s := range models[0].Slices {
		row := sliceMetricRow{Name: s.Name, Rows: numfmt.Count(int64(s.Rows)), Positives: "-"}
		if s.Interval != nil || s.Positives > 0 {
			row.Positives = numfmt.Count(int64(s.Positives))
		}
		for _, m := range models {
			row.Values = append(row.Values, sliceValue(m.Slices, s.Name, metric))
		}
		rows = append(rows, row)
	}
	return rows
}

func sliceValue(slices []evaluate.SliceResult, name, metric string) string {
	for _, s := range slices {
		if v, ok := s.Metrics[metric]; ok && s.Name == name {
			text := fmt.Sprintf("%.4f", v)
			if iv := s.Interval; iv != nil && iv.Metric == metric {
				text += fmt.Sprintf(" [%.3f, %.3f]", iv.Lo, iv.Hi)
			}
			return text
		}
	}
	return "-"
}

// gateRow is one gate check, formatted.
type gateRow struct {
	Gate, Observed, Threshold, Reason string
	Pass                              bool
}

func gateRows(gates []evaluate.GateResult) []gateRow {
	out := make([]gateRow, len(gates))
	for i, g := range gates {
		name := g.Gate
		if g.Slice != "" {
			name += " [" + g.Slice + "]"
		}
		out[i] = gateRow{Gate: name, Observed: optNum(g.Observed), Threshold: optNum(g.Threshold), Reason: g.Reason, Pass: g.Pass}
	}
	return out
}

func optNum(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'g', 5, 64)
}

// roleTitle names a role in tables: the parent is the float parent.
func roleTitle(r evaluate.Role) string {
	if r == evaluate.RoleParent {
		return "float parent"
	}
	return string(r)
}
