package train

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSummaryText(t *testing.T) {
	base := Summary{Model: "m.refit", Task: "binary", TrainRows: 900, ValidRows: 100, Features: 12, Params: 1234,
		Epochs: 30, BestEpoch: 21, Metric: "auc", BestValidMetric: 0.81234, BestValidLoss: 0.412341, Seconds: 2.5, Duration: 2500400 * time.Microsecond}
	stopped := base
	stopped.StoppedEarly, stopped.Epochs = true, 25
	for _, tt := range []struct {
		name string
		s    Summary
		want string
	}{
		{"ran all epochs", base, "model       m.refit (binary)\nrows        900 train, 100 validation\nfeatures    12\nparameters  1234\n" +
			"epochs      30 (best 21)\nvalidation  auc 0.8123, loss 0.41234\ntime        2.5s\n"},
		{"stopped early", stopped, "model       m.refit (binary)\nrows        900 train, 100 validation\nfeatures    12\nparameters  1234\n" +
			"epochs      25 (best 21, stopped early)\nvalidation  auc 0.8123, loss 0.41234\ntime        2.5s\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.s.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("WriteText:\n%q\nwant:\n%q", b.String(), tt.want)
			}
		})
	}
	// The JSON form has seconds, not the duration.
	b, err := json.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"seconds":2.5`) || strings.Contains(s, "Duration") || strings.Contains(s, "duration") {
		t.Errorf("JSON %s", s)
	}
}
