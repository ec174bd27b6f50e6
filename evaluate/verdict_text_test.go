package evaluate

import (
	"bytes"
	"testing"
)

func TestVerdictText(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	failing := Verdict{Checks: []GateResult{
		{Gate: "auc >= 0.7", Observed: f(0.65), Interval: &GateInterval{Lo: 0.6, Hi: 0.7}, Threshold: f(0.7), Reason: "below | min"},
		{Gate: "latency_p99_us", Slice: "origin=SFO", Observed: f(12345.6), Threshold: f(1000), Pass: true, Reason: "ok"},
	}}
	h := GateHeader{Candidate: "cand.refit", Champion: "champion", ChampionVersion: "v0003", Label: "late", Policy: "default", Rows: 12000}
	for _, tt := range []struct {
		name           string
		v              Verdict
		h              GateHeader
		text, markdown string
	}{
		{"failing with champion", failing, h,
			"candidate cand.refit vs champion champion (v0003) on 12000 rows, label late\n\n" +
				"result  gate            slice       observed  interval    threshold  reason\n" +
				"FAIL    auc >= 0.7      -           0.65      [0.6, 0.7]  0.7        below | min\n" +
				"PASS    latency_p99_us  origin=SFO  12346     -           1000       ok\n" +
				"\nverdict: FAIL (1 of 2 checks failed)\n",
			"## ❌ refit gate: 1 of 2 checks failed\n\n" +
				"candidate `cand.refit` vs champion `champion` (v0003) on 12,000 rows, label `late`, policy default\n\n" +
				"| result | gate | slice | observed | interval | threshold | reason |\n|---|---|---|---|---|---|---|\n" +
				"| ❌ fail | auc >= 0.7 | - | 0.65 | [0.6, 0.7] | 0.7 | below \\| min |\n" +
				"| ✅ pass | latency_p99_us | origin=SFO | 12346 | - | 1000 | ok |\n"},
		{"passing, no champion", Verdict{Pass: true}, GateHeader{Candidate: "c", Label: "y", Policy: "p.yaml", Rows: 5},
			"candidate c vs champion none on 5 rows, label y\n\nresult  gate  slice  observed  interval  threshold  reason\n\nverdict: PASS (0 of 0 checks failed)\n",
			"## ✅ refit gate: passed\n\ncandidate `c` vs champion none on 5 rows, label `y`, policy p.yaml\n\n" +
				"| result | gate | slice | observed | interval | threshold | reason |\n|---|---|---|---|---|---|---|\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var text, md bytes.Buffer
			if err := tt.v.WriteText(&text, tt.h); err != nil {
				t.Fatal(err)
			}
			if err := tt.v.WriteMarkdown(&md, tt.h); err != nil {
				t.Fatal(err)
			}
			if text.String() != tt.text {
				t.Errorf("WriteText:\n%q\nwant\n%q", text.String(), tt.text)
			}
			if md.String() != tt.markdown {
				t.Errorf("WriteMarkdown:\n%q\nwant\n%q", md.String(), tt.markdown)
			}
		})
	}
}
