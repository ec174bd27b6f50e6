package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/pipeline/demo"
)

// TestProgressEvents runs the first month and checks what a progress
// display sees: every stage of the record starts then ends, in order, and
// the train stage reports its epochs with the AUC, the last one stopping.
func TestProgressEvents(t *testing.T) {
	s := &scenario{t: t, dir: t.TempDir(), config: demo.ConfigYAML(), start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := s.month("stable"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.dir, "refit.yaml")
	if err := os.WriteFile(path, []byte(s.config), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipeline.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var events []pipeline.ProgressEvent
	opts := pipeline.Options{Now: s.start.AddDate(0, 1, 0), Progress: func(ev pipeline.ProgressEvent) { events = append(events, ev) }}
	rec, err := pipeline.Run(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	epochs, open := 0, ""
	for _, ev := range events {
		if ev.Run != rec.ID {
			t.Errorf("event of run %q, want %s", ev.Run, rec.ID)
		}
		switch {
		case ev.Epoch != nil:
			if open != "train" || ev.Metric != "auc" || ev.Epoch.Epoch != epochs+1 {
				t.Errorf("epoch event %+v in stage %q after %d epochs", ev, open, epochs)
			}
			epochs++
		case ev.Done:
			if ev.Stage != open {
				t.Errorf("stage %s ends while %q is open", ev.Stage, open)
			}
			stages, open = append(stages, ev.Stage+":"+string(ev.Status)), ""
		default:
			if open != "" {
				t.Errorf("stage %s starts while %s is open", ev.Stage, open)
			}
			open = ev.Stage
		}
	}
	var want []string
	for _, st := range rec.Stages {
		if st.Status != pipeline.StageSkipped {
			want = append(want, st.Name+":"+string(st.Status))
		}
	}
	if strings.Join(stages, " ") != strings.Join(want, " ") {
		t.Errorf("stages seen %v, recorded %v", stages, want)
	}
	if rec.Training == nil || epochs != rec.Training.Report.Epochs || epochs == 0 {
		t.Errorf("%d epoch events for a training of %+v", epochs, rec.Training)
	}
}

// TestBacktestProgress: a backtest's events name the policy and period of
// each run.
func TestBacktestProgress(t *testing.T) {
	cfg := demoData(t, false, 600)
	step, err := pipeline.ParseStep("1mo")
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]bool{}
	_, err = pipeline.Backtest(context.Background(), cfg, pipeline.BacktestOptions{Dir: t.TempDir(), From: demo.Start,
		To: demo.Start.AddDate(0, 2, 0), Every: step, Policies: []pipeline.Policy{pipeline.PolicyConfigured},
		Progress: func(ev pipeline.ProgressEvent) { runs[ev.Run] = true }})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"configured 2024-02-01 r000001", "configured 2024-03-01 r000002"} {
		if !runs[want] {
			t.Errorf("no event of %q: %v", want, runs)
		}
	}
}
