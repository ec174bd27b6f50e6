package report

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
)

// defaultMaxCharts is how many features a drift section charts by default.
const defaultMaxCharts = 24

// DriftSection renders a [drift.Report]: the features ranked in a
// table (verdict, PSI, KS, Wasserstein-1, Jensen–Shannon, null-rate change)
// and, per feature, the reference and current distributions overlaid on
// the same bins (numeric) or as paired bars of the most frequent
// categories (categorical).
type DriftSection struct {
	Report *drift.Report
	// Reference and Current name the two sides, for example
	// "train.parquet where month(date) == 1".
	Reference, Current string
	// MaxCharts bounds the features charted, worst first. Defaults to 24;
	// negative charts none.
	MaxCharts int
}

// Title implements [Section].
func (s *DriftSection) Title() string { return "Drift" }

// driftView is what the "drift" template sees.
type driftView struct {
	Reference, Current string
	RefRows, CurRows   string
	Verdict, Counts    string
	Rows               []driftRow
	Metrics            []metricRow
	Charts             []driftChart
	Uncharted          int
}

// driftRow is one feature of the drift table, formatted.
type driftRow struct {
	Name, Kind, Verdict string
	PSI, KS, W1, JS     string
	Nulls, Notes        string
}

// HTML implements [Section].
func (s *DriftSection) HTML() (template.HTML, error) {
	r := s.Report
	if r == nil {
		return template.HTML(`<p class="none">No drift report.</p>`), nil
	}
	v := driftView{Reference: s.Reference, Current: s.Current, RefRows: numfmt.Count(r.ReferenceRows),
		CurRows: numfmt.Count(r.CurrentRows), Verdict: r.Verdict.String(), Counts: driftCounts(r),
		Metrics: metricRows(r.Options)}
	for _, f := range r.Features {
		v.Rows = append(v.Rows, newDriftRow(f))
	}
	limit := s.MaxCharts
	if limit == 0 {
		limit = defaultMaxCharts
	}
	for _, f := range r.Features {
		c, ok := newDriftChart(f)
		switch {
		case !ok:
		case len(v.Charts) < limit:
			v.Charts = append(v.Charts, c)
		default:
			v.Uncharted++
		}
	}
	return execFragment("drift", v)
}

// execFragment renders one of the shared templates to safe HTML.
func execFragment(name string, v any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, v); err != nil {
		return "", fmt.Errorf("report: render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil // escaped by html/template
}

func newDriftRow(f drift.Feature) driftRow {
	ks, w1 := driftKSW1(f)
	return driftRow{Name: f.Name, Kind: f.Kind, Verdict: f.Verdict.String(),
		PSI: fmt.Sprintf("%.4f", f.PSI), KS: ks, W1: w1, JS: fmt.Sprintf("%.4f", f.JS),
		Nulls: fmt.Sprintf("%+.4f", f.Nulls.Change), Notes: strings.Join(f.Notes, "; ")}
}

// driftKSW1 formats the KS statistic and Wasserstein-1 distance (a
// duration for time columns) with their error bounds when sketched, "-"
// for a categorical feature or an empty side.
func driftKSW1(f drift.Feature) (ks, w1 string) { return f.DistanceTexts() }

// metricRow explains one drift metric of the table: its threshold and
// what it means, in a line.
type metricRow struct {
	Name, Threshold, Meaning string
}

// metricRows explains the drift table's columns with the thresholds of o.
func metricRows(o drift.Options) []metricRow {
	o = o.WithDefaults()
	null := "none"
	switch {
	case o.NullWarn > 0 && o.NullAlert > 0:
		null = fmt.Sprintf("warn ≥ %g, alert ≥ %g (absolute change)", o.NullWarn, o.NullAlert)
	case o.NullAlert > 0:
		null = fmt.Sprintf("alert ≥ %g (absolute change)", o.NullAlert)
	case o.NullWarn > 0:
		null = fmt.Sprintf("warn ≥ %g (absolute change)", o.NullWarn)
	}
	return []metricRow{
		{"PSI", fmt.Sprintf("warn ≥ %g, alert ≥ %g (decides the verdict)", o.PSIWarn, o.PSIAlert),
			fmt.Sprintf("Population Stability Index: how far the share of rows in each bin moved (reference deciles for numbers, each value for categories); 0 is no change, %g a moderate and %g a large shift.", o.PSIWarn, o.PSIAlert)},
		{"KS", "reported, no threshold",
			"Kolmogorov–Smirnov: the largest gap between the two cumulative distributions, as a share of rows (0 to 1); 0.05 means some value splits the rows 5 points differently."},
		{"W1", "reported, no threshold",
			"Wasserstein-1: how far, in the column's own unit, values move on average to turn the reference into the current distribution."},
		{"JS", "reported, no threshold",
			"Jensen–Shannon distance (base 2) of the same bins as PSI: 0 for identical, 1 for disjoint distributions; symmetric and finite where PSI needs a floor for empty bins."},
		{"χ²", "reported, no threshold",
			"Chi-square test that both sides have the same category frequencies (in the JSON report); on many rows tiny changes are significant, so effect sizes decide instead."},
		{"null rate Δ", null, "Change of the column's share of null values, current minus reference."},
		{"±", "", "An error bound (99 % confidence) beside KS and W1 when a column had too many distinct values for exact counts and the figure comes from quantile sketches; figures without one are exact."},
	}
}

// driftCounts is "1 alert, 2 warn, 5 ok".
func driftCounts(r *drift.Report) string {
	var n [3]int
	for _, f := range r.Features {
		n[min(int(f.Verdict), 2)]++
	}
	return fmt.Sprintf("%d alert, %d warn, %d ok", n[2], n[1], n[0])
}

// Markdown implements [Section]: the ranked table.
func (s *DriftSection) Markdown() string {
	r := s.Report
	if r == nil {
		return "No drift report."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Drift of **%s** (%s rows) against **%s** (%s rows): **%s** (%s)\n\n",
		mdText(s.Current), numfmt.Count(r.CurrentRows), mdText(s.Reference), numfmt.Count(r.ReferenceRows), r.Verdict, driftCounts(r))
	b.WriteString("| feature | kind | verdict | PSI | KS | W1 | JS | null rate Δ |\n|---|---|---|---:|---:|---:|---:|---:|\n")
	for _, f := range r.Features {
		row := newDriftRow(f)
		fmt.Fprintf(&b, "| %s | %s | %s%s | %s | %s | %s | %s | %s |\n", mdCell(row.Name), row.Kind,
			verdictIcon(f.Verdict), row.Verdict, row.PSI, row.KS, row.W1, row.JS, row.Nulls)
	}
	return b.String()
}

func verdictIcon(v validate.Verdict) string {
	switch v {
	case validate.VerdictAlert:
		return "❌ "
	case validate.VerdictWarn:
		return "⚠️ "
	}
	return ""
}
