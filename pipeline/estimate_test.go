package pipeline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/refit-ml/refit/report"
)

// The run report shows the monitor's estimate and realized metric side by
// side, and says which one decided.
func TestReportMonitorSideBySide(t *testing.T) {
	realized := 0.7356
	rec := &Record{ID: "r000002", Outcome: OutcomeKept, Monitor: &MonitorResult{
		Metric: "auc", Value: 0.7603, Rows: 511502, Threshold: 0.7, Source: SourceEstimated,
		Realized: &realized, RealizedRows: 1200,
		Estimated: &EstimatedMetric{Method: "cbpe", Value: 0.7603, Lo: 0.7588, Hi: 0.7617, Level: 0.95, Rows: 511502,
			Calibration: "isotonic on 86,976 holdout rows"},
	}}
	var b bytes.Buffer
	if err := report.WriteRunHTML(&b, rec); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"estimated and realized side by side (the estimate decided)",
		"CBPE estimate 0.7603 [0.7588, 0.7617] at 95% over 511,502 rows", "realized 0.7356 over 1,200 labelled rows",
		"within the calibration shift that holdout showed"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// With a measured calibration shift, both parts of the interval show.
	est := rec.Monitor.Estimated
	est.SamplingLo, est.SamplingHi, est.Shift, est.Lo, est.Hi = 0.7588, 0.7617, 0.0351, 0.7252, 0.7954
	b.Reset()
	if err := report.WriteRunHTML(&b, rec); err != nil {
		t.Fatal(err)
	}
	if want := "[0.7252, 0.7954] at 95% over 511,502 rows (sampling [0.7588, 0.7617], calibration shift ±0.0351)"; !strings.Contains(b.String(), want) {
		t.Errorf("report lacks %q", want)
	}
	if want := "(sampling [0.7588, 0.7617], calibration shift ±0.0351)"; !strings.Contains(est.String(), want) {
		t.Errorf("%q lacks %q", est, want)
	}
	rec.Monitor.Realized = nil
	b.Reset()
	if err := report.WriteRunHTML(&b, rec); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "realized not yet (no labels)") {
		t.Error("report without labels lacks \"realized not yet (no labels)\"")
	}
}
