package demo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/pipeline"
)

// runStory writes the months of kinds with a config whose drift line is
// drift, runs the pipeline after each and returns the records.
func runStory(t *testing.T, drift string, kinds ...string) []*pipeline.Record {
	recs, _ := runStoryConfig(t, drift, kinds...)
	return recs
}

// runStoryConfig is runStory, also returning the loaded config.
func runStoryConfig(t *testing.T, drift string, kinds ...string) ([]*pipeline.Record, *pipeline.Config) {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "refit.yaml")
	yaml := strings.Replace(configYAML, "drift: {metric: psi, warn: 0.1, alert: 0.25}", drift, 1)
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := pipeline.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Dir: dir, RowsPerMonth: 3000, Seed: 7}
	opts, _ = opts.withDefaults()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []*pipeline.Record
	for i, kind := range kinds {
		m, err := runMonth(context.Background(), cfg, opts, start.AddDate(0, i, 0), kind)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, m.Record)
	}
	return recs, cfg
}

// driftTrigger returns the run's drift trigger, or nil.
func driftTrigger(rec *pipeline.Record) *pipeline.Trigger {
	for i, tr := range rec.Triggers {
		if tr.Cause == pipeline.CauseDrift {
			return &rec.Triggers[i]
		}
	}
	return nil
}

// TestDriftConfirm: with "2 of the last 2 runs", the first drifted month
// records the alert with its evidence but keeps the champion; the second
// confirms it and retrains.
func TestDriftConfirm(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models")
	}
	recs := runStory(t, "drift: {metric: psi, warn: 0.1, alert: 0.25, confirm: {alerts: 2, runs: 2}}", Stable, Drift, Drift)
	first, second := driftTrigger(recs[1]), driftTrigger(recs[2])
	if first == nil || first.Fired || recs[1].Outcome != pipeline.OutcomeKept {
		t.Fatalf("first drifted month: trigger %+v, outcome %s: want an alert held back and the champion kept", first, recs[1].Outcome)
	}
	if !strings.HasPrefix(first.Note, "1 of the last 1 runs") || !strings.HasSuffix(first.Note, "2 needed") || !hasFeature(first, "distance") {
		t.Errorf("held-back trigger %+v: want the count and the drifted distance as evidence", first)
	}
	if second == nil || !second.Fired || !strings.HasPrefix(second.Note, "2 of the last 2 runs") {
		t.Fatalf("second drifted month: trigger %+v: want it confirmed", second)
	}
	if recs[2].Training == nil {
		t.Errorf("confirmed drift did not train: outcome %s, reasons %q", recs[2].Outcome, recs[2].Reasons)
	}
}

// TestDriftCooldown: a drift alert 29 days after the promotion is held
// back by a 45-day cooldown; 60 days after, it retrains.
func TestDriftCooldown(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models")
	}
	recs := runStory(t, "drift: {metric: psi, warn: 0.1, alert: 0.25, cooldown: 45d}", Stable, Drift, Drift)
	held, fired := driftTrigger(recs[1]), driftTrigger(recs[2])
	if held == nil || held.Fired || !strings.Contains(held.Note, "45d cooldown") {
		t.Fatalf("drift inside the cooldown: %+v", held)
	}
	if fired == nil || !fired.Fired || recs[2].Training == nil {
		t.Fatalf("drift after the cooldown: %+v, outcome %s", fired, recs[2].Outcome)
	}
}

// TestTriggerEvidence: the first run names its cause; a stable month has
// no trigger at all; the time column's calendar is measured but a month
// later is not drift.
func TestTriggerEvidence(t *testing.T) {
	recs := runStory(t, "drift: {metric: psi, warn: 0.1, alert: 0.25}", Stable, Stable)
	if len(recs[0].Triggers) != 1 || recs[0].Triggers[0].Cause != pipeline.CauseNoChampion {
		t.Errorf("first run triggers %+v: want no-champion", recs[0].Triggers)
	}
	if len(recs[1].Triggers) != 0 || recs[1].Outcome != pipeline.OutcomeKept {
		t.Errorf("stable month: triggers %+v, outcome %s, reasons %q", recs[1].Triggers, recs[1].Outcome, recs[1].Reasons)
	}
	var names []string
	for _, f := range recs[1].Drift.Features {
		names = append(names, f.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "ts#weekday") {
		t.Errorf("drift features %v: want the time column's calendar", names)
	}
}

func hasFeature(tr *pipeline.Trigger, name string) bool {
	for _, e := range tr.Features {
		if e.Feature == name && e.PSI >= e.Threshold {
			return true
		}
	}
	return false
}

// TestForceWithoutNewData: --force with no new files retrains on the
// window instead of recording an empty run.
func TestForceWithoutNewData(t *testing.T) {
	recs, cfg := runStoryConfig(t, "drift: {metric: psi, warn: 0.1, alert: 0.25}", Stable)
	now := time.Date(2024, 2, 2, 0, 0, 0, 0, time.UTC)
	idle, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Now: now})
	if err != nil || idle.Outcome != pipeline.OutcomeNoData || idle.Training != nil {
		t.Fatalf("unforced run without new data: %v, outcome %s", err, idle.Outcome)
	}
	rec, err := pipeline.Run(context.Background(), cfg, pipeline.Options{Now: now, Force: true})
	if err != nil && !errors.Is(err, pipeline.ErrBlocked) {
		t.Fatal(err)
	}
	if rec.Training == nil || rec.Candidate == "" || len(rec.Triggers) != 1 || rec.Triggers[0].Cause != pipeline.CauseForce {
		t.Fatalf("forced run: training %v, candidate %q, triggers %+v, reasons %q", rec.Training, rec.Candidate, rec.Triggers, rec.Reasons)
	}
	if rec.ChampionBefore != recs[0].ChampionAfter {
		t.Errorf("forced run started from %q, want the champion %q", rec.ChampionBefore, recs[0].ChampionAfter)
	}
}
