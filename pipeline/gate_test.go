package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

type gateRow struct {
	TS   time.Time `parquet:"ts,timestamp(microsecond)"`
	X    float64   `parquet:"x"`
	Z    float64   `parquet:"z"`
	Late bool      `parquet:"late"`
}

// writeGateMonth writes a month of rows where late depends on x, or on z
// once the concept has changed.
func writeGateMonth(t *testing.T, dir string, month time.Time, changed bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, uint64(month.Unix())))
	rows := make([]gateRow, 4000)
	for i := range rows {
		x, z := rng.NormFloat64(), rng.NormFloat64()
		signal := x
		if changed {
			signal = z
		}
		rows[i] = gateRow{TS: month.Add(time.Duration(i) * 10 * time.Minute), X: x, Z: z,
			Late: signal+0.7*rng.NormFloat64() > 0.9}
	}
	writeMonthRows(t, dir, month, rows)
}

// writeMonthRows writes rows as the month's partition under dir/data.
func writeMonthRows(t *testing.T, dir string, month time.Time, rows []gateRow) {
	t.Helper()
	path := filepath.Join(dir, "data", "month="+month.Format("2006-01"), "part-0.parquet")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
}

const gateConfig = `workspace: workspace
data: {source: data, time_column: ts}
train:
  label: late
  features: [x, z]
  window: 25d
  hidden: [8]
  epochs: 30
  batch_size: 64
  learning_rate: 0.01
  seed: 7
evaluate:
  holdout: 0.2
  gates:
    - {metric: auc, min: 0.55}
    - {metric: auc, beat_champion_beyond_ci: true}
`

// TestRunBeatChampionBeyondCI: refit run computes the paired interval the
// beat_champion_beyond_ci gate needs, so a candidate better beyond it is
// promoted (before, every candidate failed the gate in refit run).
func TestRunBeatChampionBeyondCI(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "refit.yaml")
	if err := os.WriteFile(cfgPath, []byte(gateConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	jan, feb := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	writeGateMonth(t, dir, jan, false)
	quiet := slog.New(slog.DiscardHandler)
	first, err := Run(context.Background(), cfg, Options{Now: feb, Logger: quiet})
	if err != nil || first.Outcome != OutcomePromoted {
		t.Fatalf("first run: %v, outcome %s, reasons %v", err, first.Outcome, first.Reasons)
	}
	// February's label follows z: the January champion is no better than
	// chance there, and the candidate trained on February is far better.
	writeGateMonth(t, dir, feb, true)
	second, err := Run(context.Background(), cfg, Options{Now: feb.AddDate(0, 1, 0), Force: true, Logger: quiet})
	if err != nil && !errors.Is(err, ErrBlocked) {
		t.Fatal(err)
	}
	if second.Verdict == nil || len(second.Verdict.Checks) != 2 {
		t.Fatalf("second run: outcome %s, verdict %+v, reasons %v", second.Outcome, second.Verdict, second.Reasons)
	}
	c := second.Verdict.Checks[1]
	if !c.Pass || c.Interval == nil || !(c.Interval.Lo > 0) || !strings.Contains(c.Reason, "better beyond the interval") {
		t.Fatalf("beat_champion_beyond_ci: %+v", c)
	}
	if second.Outcome != OutcomePromoted || second.ChampionAfter == first.ChampionAfter {
		t.Fatalf("second run: outcome %s, champion %s → %s: %+v", second.Outcome, first.ChampionAfter, second.ChampionAfter, second.Verdict.Checks)
	}
}
