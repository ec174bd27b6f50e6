package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/model"
)

// writeSignalMonth writes n rows from month, step apart, where late
// depends on x.
func writeSignalMonth(t *testing.T, dir string, month time.Time, n int, step time.Duration) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, uint64(month.Unix())))
	rows := make([]gateRow, n)
	for i := range rows {
		x, z := rng.NormFloat64(), rng.NormFloat64()
		rows[i] = gateRow{TS: month.Add(time.Duration(i) * step), X: x, Z: z, Late: x+0.7*rng.NormFloat64() > 0.9}
	}
	writeMonthRows(t, dir, month, rows)
}

// The registered model's calibrator is refitted on the holdout, with its
// shift measured over the holdout's time chunks, when the holdout is large
// enough to measure one; a smaller holdout keeps training's calibrator.
func TestRunRecalibratesOnHoldout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rows    int
		step    time.Duration
		refit   bool
		holdout int // the evaluate stage's holdout rows, when refitted
	}{
		{"large holdout", 25_000, 30 * time.Second, true, 5_000},
		{"small holdout", 4_000, 10 * time.Minute, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfgPath := filepath.Join(dir, "refit.yaml")
			cfg := strings.Replace(gateConfig, "    - {metric: auc, beat_champion_beyond_ci: true}\n", "", 1)
			if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			jan := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			writeSignalMonth(t, dir, jan, tc.rows, tc.step)
			rec, err := Run(context.Background(), c, Options{Now: jan.Add(time.Duration(tc.rows) * tc.step), Logger: slog.New(slog.DiscardHandler)})
			if err != nil || rec.Outcome != OutcomePromoted {
				t.Fatalf("run: %v, outcome %s, reasons %v", err, rec.Outcome, rec.Reasons)
			}
			var notes string
			for _, s := range rec.Stages {
				if s.Name == "evaluate" {
					notes = strings.Join(s.Notes, "; ")
				}
			}
			m, err := model.Load(filepath.Join(dir, "workspace", "models", rec.ChampionAfter, "model.safetensors"))
			if err != nil {
				t.Fatal(err)
			}
			cal := m.Calibrator()
			if cal == nil {
				t.Fatalf("registered model has no calibrator (evaluate notes: %s)", notes)
			}
			if tc.refit {
				if !strings.HasPrefix(notes, fmt.Sprintf("%d holdout rows", tc.holdout)) {
					t.Fatalf("evaluate notes %q: want %d holdout rows", notes, tc.holdout)
				}
				if cal.Rows != tc.holdout || cal.Shift == nil || cal.Shift.By != "time" || !strings.Contains(notes, "calibrator refitted on") {
					t.Errorf("calibrator on %d rows (want the %d holdout rows), shift %+v; notes: %s", cal.Rows, tc.holdout, cal.Shift, notes)
				}
				return
			}
			if !strings.Contains(notes, "calibrator kept from training") {
				t.Errorf("small holdout: notes %q, calibrator on %d rows", notes, cal.Rows)
			}
		})
	}
}
