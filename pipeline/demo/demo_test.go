package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
)

// TestStory runs the demo end to end and checks that each month does what
// the story says under the configured policy (train, keep, keep, retrain
// and promote, block) and that the output tells it and compares the
// baselines.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	res, err := Run(context.Background(), &out, Options{Dir: t.TempDir(), RowsPerMonth: 2000})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := []pipeline.Outcome{pipeline.OutcomePromoted, pipeline.OutcomeKept, pipeline.OutcomeKept, pipeline.OutcomePromoted, pipeline.OutcomeBlockedData}
	var champs []string
	for i, m := range res.Months {
		if m.Configured.Outcome != want[i] {
			t.Errorf("%s (%s): outcome %s, want %s; reasons %q", m.Month.Format("2006-01"), m.Kind, m.Configured.Outcome, want[i], m.Configured.Reasons)
		}
		champs = append(champs, m.Configured.ChampionAfter)
	}
	if len(champs) == 5 && (champs[0] == champs[3] || champs[3] != champs[4] || champs[0] != champs[2]) {
		t.Errorf("champions by month %v: want one for months 1-3, a new one from month 4 that survives month 5", champs)
	}
	last := res.Months[len(res.Months)-1]
	if !strings.Contains(strings.Join(last.Configured.Reasons, "\n"), "distance") {
		t.Errorf("the incident's reasons do not name the broken column: %q", last.Configured.Reasons)
	}
	for _, p := range []string{last.Report, filepath.Join(filepath.Dir(last.Report), "run.json"), res.Report} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("missing: %v", err)
		}
	}
	for _, want := range []string{"backtest report:", "2024-04 drift", "decision (configured)", "promoted v0002", "blocked-data", "\nnever ", "\nalways "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDeterministic runs the story twice: the same data, config and seed
// must give byte-identical models (DESIGN: "Deterministic").
func TestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo twice")
	}
	sums := make([][]string, 2)
	for i := range sums {
		dir := t.TempDir()
		if _, err := Run(context.Background(), io.Discard, Options{Dir: dir, RowsPerMonth: 3000}); err != nil {
			t.Fatal(err)
		}
		models, err := filepath.Glob(filepath.Join(dir, "backtest", "*", "models", "*", registry.ModelArtifact))
		if err != nil || len(models) < 2 {
			t.Fatalf("models %v (%v): want the first champion and the drift month's", models, err)
		}
		for _, m := range models {
			data, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, m)
			sums[i] = append(sums[i], fmt.Sprintf("%s %x", rel, sha256.Sum256(data)))
		}
	}
	if strings.Join(sums[0], "\n") != strings.Join(sums[1], "\n") {
		t.Errorf("two runs gave different models:\n%v\n%v", sums[0], sums[1])
	}
}

// TestRunMonths plays the story with files arriving: the configured
// policy's outcomes are the backtest's, and the incident's file stays
// unprocessed.
func TestRunMonths(t *testing.T) {
	recs, err := RunMonths(context.Background(), Options{Dir: t.TempDir(), RowsPerMonth: 600})
	if err != nil {
		t.Fatal(err)
	}
	want := []pipeline.Outcome{pipeline.OutcomePromoted, pipeline.OutcomeKept, pipeline.OutcomeKept, pipeline.OutcomePromoted, pipeline.OutcomeBlockedData}
	for i, rec := range recs {
		if rec.Outcome != want[i] || len(rec.NewFiles) != 1 {
			t.Errorf("month %d: outcome %s with %d new files, want %s with 1; reasons %q", i+1, rec.Outcome, len(rec.NewFiles), want[i], rec.Reasons)
		}
	}
}
