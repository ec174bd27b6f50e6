package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
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
	for _, want := range []string{"(100, 200]: reference 30%, current 30%", "2024-01-01", "alert", "share 0% vs 1% in the reference", "<cur>", "+0.0100", "31.0d"} {
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
