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
// the story says: train, keep, keep, retrain and promote, block.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	months, dir, err := Run(context.Background(), &out, Options{Dir: t.TempDir(), RowsPerMonth: 5000})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := []string{pipeline.OutcomePromoted, pipeline.OutcomeKept, pipeline.OutcomeKept, pipeline.OutcomePromoted, pipeline.OutcomeBlockedData}
	var champs []string
	for i, m := range months {
		if m.Record.Outcome != want[i] {
			t.Errorf("%s (%s): outcome %s, want %s; reasons %q", m.Month.Format("2006-01"), m.Kind, m.Record.Outcome, want[i], m.Record.Reasons)
		}
		champs = append(champs, m.Record.ChampionAfter)
	}
	if len(champs) == 5 && (champs[0] == champs[3] || champs[3] != champs[4] || champs[0] != champs[2]) {
		t.Errorf("champions by month %v: want one for months 1-3, a new one from month 4 that survives month 5", champs)
	}
	last := months[len(months)-1].Record
	if !strings.Contains(strings.Join(last.Reasons, "\n"), "distance") {
		t.Errorf("the incident's reasons do not name the broken column: %q", last.Reasons)
	}
	if _, err := os.Stat(filepath.Join(dir, "workspace", "runs", last.ID, "run.json")); err != nil {
		t.Errorf("run record missing: %v", err)
	}
	if !strings.Contains(out.String(), "last report:") {
		t.Errorf("output lacks the report path:\n%s", out.String())
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
		if _, _, err := Run(context.Background(), io.Discard, Options{Dir: dir, RowsPerMonth: 3000}); err != nil {
			t.Fatal(err)
		}
		models, err := filepath.Glob(filepath.Join(dir, "workspace", "models", "*", registry.ModelArtifact))
		if err != nil || len(models) < 2 {
			t.Fatalf("models %v (%v): want the first champion and the drift month's", models, err)
		}
		for _, m := range models {
			data, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			sums[i] = append(sums[i], fmt.Sprintf("%s %x", filepath.Base(filepath.Dir(m)), sha256.Sum256(data)))
		}
	}
	if strings.Join(sums[0], "\n") != strings.Join(sums[1], "\n") {
		t.Errorf("two runs gave different models:\n%v\n%v", sums[0], sums[1])
	}
}
