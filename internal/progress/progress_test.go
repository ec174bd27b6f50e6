package progress

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/train"
)

func TestDisplayOnlyOnTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, d := range map[string]*Display{"buffer": New(&bytes.Buffer{}, "text"), "file": New(f, "text"), "json": New(os.Stderr, "json")} {
		if d != nil {
			t.Errorf("%s: a display", name)
		}
	}
	var d *Display // a nil display does nothing
	d.Spin("x")
	d.Epoch(train.Epoch{Epoch: 1}, 3, "auc")
	d.Done("x")
	d.Clear()
	if d.Run() != nil {
		t.Error("a nil display reports run progress")
	}
}

// TestRunProgress feeds a run's events to a display and reads what it
// drew: a line per stage, and the epochs with loss, AUC and the count.
func TestRunProgress(t *testing.T) {
	var buf bytes.Buffer
	p := On(&buf).Run()
	p(pipeline.ProgressEvent{Run: "r000004", Stage: "ingest"})
	p(pipeline.ProgressEvent{Run: "r000004", Stage: "ingest", Done: true, Status: pipeline.StageOK})
	p(pipeline.ProgressEvent{Run: "r000004", Stage: "train"})
	for i := 1; i <= 2; i++ {
		e := train.Epoch{Epoch: i, TrainLoss: 0.5 - 0.1*float64(i), ValidLoss: 0.45, ValidMetric: 0.7, Improved: i == 1, Elapsed: time.Duration(i) * time.Second}
		p(pipeline.ProgressEvent{Run: "r000004", Stage: "train", Epoch: &e, MaxEpochs: 5, Metric: "auc"})
	}
	p(pipeline.ProgressEvent{Run: "r000004", Stage: "train", Done: true, Status: pipeline.StageOK})
	out := buf.String()
	for _, want := range []string{
		"r000004 ingest",
		"r000004 ingest    ok",
		"epoch 1  loss 0.4000 (valid 0.4500)  auc 0.7000 *",
		"epoch 2  loss 0.3000 (valid 0.4500)  auc 0.7000",
		"(2/5",
		"r000004 train     ok",
		"(2 epochs, last auc 0.7000)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("display lacks %q:\n%q", want, out)
		}
	}
}

// TestRows checks the scan line: nothing off a terminal, and on one a
// rewritten line with the count, then a clear.
func TestRows(t *testing.T) {
	var buf bytes.Buffer
	if p, done := Rows(&buf, "profiling"); p != nil {
		t.Error("a scan line off a terminal")
	} else {
		done()
	}
	p, done := rows(&buf, "profiling")
	p(1234567)
	p(2000000) // within 200 ms: not drawn
	done()
	if got, want := buf.String(), "\rprofiling: 1,234,567 rows, "; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "\r\033[K") || strings.Contains(got, "2,000,000") {
		t.Errorf("scan line %q, want %q... then a clear", got, want)
	}
}

func TestTrain(t *testing.T) {
	var buf bytes.Buffer
	p := On(&buf).Train(2, "auc")
	p(train.Epoch{Epoch: 1, Improved: true})
	p(train.Epoch{Epoch: 2, Elapsed: 1500 * time.Millisecond})
	if !strings.HasSuffix(buf.String(), "trained 2 epochs in 1.5s\n") {
		t.Errorf("training display %q", buf.String())
	}
}
