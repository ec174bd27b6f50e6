package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/validate/drift"
)

// TestAuditSections renders an audit with the drift and coverage sections:
// hostile names stay text, every feature gets a chart with both sides.
func TestAuditSections(t *testing.T) {
	a := sample()
	a.Sections = []Section{&DriftSection{Report: sampleDrift(), Reference: "jan.json", Current: "<cur>"}, &CoverageSection{Report: sampleCoverage()}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, a); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	counts, text, ids := parseHTML(t, out)
	if counts["script"] != 0 || counts["b"] != 0 || counts["i"] != strings.Count(out, "<i class=") {
		t.Errorf("markup not escaped: %v", counts)
	}
	if !ids["drift"] || !ids["coverage"] {
		t.Errorf("ids: %v", ids)
	}
	// 3 numeric bins × 2 sides, 3 categories × 2, 1 temporal bin × 2.
	if n, m := strings.Count(out, `<rect class="ref"`), strings.Count(out, `<rect class="cur"`); n != 3+3+1 || m != 3+3+1 {
		t.Errorf("ref bars %d, cur %d; want 7 each", n, m)
	}
	for _, want := range []string{"(100, 200]: reference 30% (750 rows), current 30% (900 rows)", "2024-01-01",
		"What the drift metrics mean", "warn ≥ 0.1, alert ≥ 0.25 (decides the verdict)", "Wasserstein-1: how far", "alert", "share 0% vs 1% in the reference", "<cur>", "+0.0100", "31.0d"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, a); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "summary_sections.md"), md.String())
}

func TestMaxCharts(t *testing.T) {
	s := &DriftSection{Report: sampleDrift(), MaxCharts: 1}
	h, err := s.HTML()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(h), "<svg"); n != 1 || !strings.Contains(string(h), "2 more features without charts") {
		t.Errorf("%d charts, want 1 and a note", n)
	}
}

// TestEdgeText checks the histogram bin edges of charts: numbers as
// numbers, instants as dates, times of day as clock readings and durations
// as spans, each from the raw value in its type's unit.
func TestEdgeText(t *testing.T) {
	const jan2024 = 1704067200 // 2024-01-01T00:00:00Z, Unix seconds
	tests := []struct {
		v    float64
		typ  string
		want string
	}{
		{0.125, "double", "0.125"},
		{jan2024 * 1e6, "timestamp[us, tz=UTC]", "2024-01-01"},
		{jan2024*1e3 + 86399e3, "timestamp[ms]", "2024-01-01"},
		{jan2024 / 86400, "date32", "2024-01-01"},
		{jan2024 * 1e3, "date64", "2024-01-01"},
		{49507.4, "time32[s]", "13:45:07"},
		{49507250, "time32[ms]", "13:45:07.25"},
		{49507250000.4, "time64[us]", "13:45:07.25"},
		{3600e9, "time64[ns]", "01:00:00"},
		{0, "time32[s]", "00:00:00"},
		{86399999.4, "time32[ms]", "23:59:59.999"},
		{5400, "duration[s]", "1h30m0s"},
		{1500, "duration[ms]", "1.5s"},
		{-2500, "duration[us]", "-2.5ms"},
		{172800e9, "duration[ns]", "2.0d"},
		{0, "duration[s]", "0s"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" "+num(tt.v), func(t *testing.T) {
			if got := edgeText(tt.v, tt.typ, tt.typ != "double"); got != tt.want {
				t.Errorf("edgeText(%v, %s) = %q, want %q", tt.v, tt.typ, got, tt.want)
			}
		})
	}
}

// TestTailsChart checks that a histogram with tail bins draws the two sides
// side by side, keeps a rare tail visible and counts it in the caption.
func TestTailsChart(t *testing.T) {
	f := drift.Feature{Name: "delay", Type: "int64", Kind: "numeric", Numeric: &drift.Numeric{
		Reference: drift.MomentSummary{Count: 100_000}, Current: drift.MomentSummary{Count: 100_000},
		Histogram: drift.BinShares{Edges: []float64{-1116, -30, 0, 30, 1688}, Scale: "tails",
			Reference: []float64{0.001, 0.5, 0.49, 0.009}, Current: []float64{0.001, 0.5, 0.49, 0.009}}}}
	c, ok := newDriftChart(f)
	if !ok {
		t.Fatal("no chart")
	}
	ref, cur := c.Bars[0], c.Bars[1]
	if ref.Class != "ref" || cur.Class != "cur" || cur.X < ref.X+ref.W || ref.H < minBarH {
		t.Errorf("first bin bars %+v, %+v: want side by side, at least %g high", ref, cur, minBarH)
	}
	want := "up to -30: reference 100 (0.1%), current 100 (0.1%); above 30: reference 900 (0.9%), current 900 (0.9%)"
	if !strings.Contains(c.Caption, want) {
		t.Errorf("caption %q lacks %q", c.Caption, want)
	}
}

// TestDurationChart checks the axis and bar titles of a duration column's
// chart.
func TestDurationChart(t *testing.T) {
	f := drift.Feature{Name: "wait", Type: "duration[ms]", Kind: "temporal", Numeric: &drift.Numeric{
		Unit: "ms", Histogram: drift.BinShares{Edges: []float64{0, 45e3, 90e3}, Reference: []float64{0.5, 0.5}, Current: []float64{0.25, 0.75}}}}
	c, ok := newDriftChart(f)
	if !ok {
		t.Fatal("no chart")
	}
	if c.AxisLo != "0s" || c.AxisHi != "1m30s" || c.Bars[0].Title != "(0s, 45s]: reference 50%, current 25%" {
		t.Errorf("axis %s to %s, first bar %q", c.AxisLo, c.AxisHi, c.Bars[0].Title)
	}
}
