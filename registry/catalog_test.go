package registry

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestRuns(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	run1, err := r.StartRun(ctx, "schedule:nightly")
	if err != nil {
		t.Fatal(err)
	}
	run2, err := r.StartRun(ctx, "manual")
	if err != nil {
		t.Fatal(err)
	}
	if run1.ID != "r000001" || run2.ID != "r000002" {
		t.Fatalf("ids %s %s", run1.ID, run2.ID)
	}
	if err := r.FinishRun(ctx, run1.ID, RunFailed, json.RawMessage(`["drift alert"]`)); err != nil {
		t.Fatal(err)
	}
	if err := r.FinishRun(ctx, "r999999", RunFailed, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("finish unknown run: %v", err)
	}
	got, err := r.GetRun(ctx, run1.ID)
	if err != nil || got.Status != RunFailed || string(got.Reasons) != `["drift alert"]` || !got.Finished.After(got.Started) {
		t.Fatalf("run = %+v, %v", got, err)
	}
	last, err := r.Runs(ctx, 1)
	if err != nil || len(last) != 1 || last[0].ID != run2.ID || last[0].Status != RunRunning {
		t.Fatalf("runs(1) = %+v, %v", last, err)
	}
	all, err := r.Runs(ctx, 0)
	if err != nil || len(all) != 2 {
		t.Fatalf("runs(0) = %+v, %v", all, err)
	}
}

func TestProcessedFilesIdempotent(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	mt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := FileInfo{Path: "data/a.parquet", Size: 10, ModTime: mt, Fingerprint: "x"}
	b := FileInfo{Path: "data/b.parquet", Size: 20, ModTime: mt}
	todo, err := r.Unprocessed(ctx, []FileInfo{a, b})
	if err != nil || len(todo) != 2 {
		t.Fatalf("first run: %v, %v", todo, err)
	}
	if err := r.MarkProcessed(ctx, "r000001", todo); err != nil {
		t.Fatal(err)
	}
	changed := b
	changed.ModTime = mt.Add(time.Nanosecond)
	for _, tc := range []struct {
		name string
		in   []FileInfo
		want int
	}{
		{"same files again", []FileInfo{a, b}, 0},
		{"one touched", []FileInfo{a, changed}, 1},
		{"new file", []FileInfo{a, {Path: "data/c.parquet"}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			todo, err := r.Unprocessed(ctx, tc.in)
			if err != nil || len(todo) != tc.want {
				t.Fatalf("got %v, %v; want %d files", todo, err, tc.want)
			}
		})
	}
}

// TestPruneRuns checks retention by count and by age keeps running runs
// and the runs that registered a version.
func TestPruneRuns(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir()) // stepClock: one second per call
	var ids []string
	for i := range 8 {
		run, err := r.StartRun(ctx, "manual")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.ID)
		if i == 1 { // r000002 registers a version: kept
			if _, err := r.Register(ctx, RegisterRequest{RunID: run.ID, Files: map[string]string{"m": writeFile(t, "m", "x")}}); err != nil {
				t.Fatal(err)
			}
		}
		if i == 2 { // r000003 stays running: kept
			continue
		}
		if err := r.CommitRun(ctx, run.ID, RunCommit{Status: RunSucceeded, Outcome: "no-new-data"}); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := r.PruneRuns(ctx, 4, time.Time{})
	if err != nil || !slices.Equal(removed, []string{"r000001", "r000004"}) {
		t.Fatalf("by count: removed %v, %v", removed, err)
	}
	run6, _ := r.GetRun(ctx, ids[5])
	removed, err = r.PruneRuns(ctx, 100, run6.Started)
	if err != nil || !slices.Equal(removed, []string{"r000005"}) {
		t.Fatalf("by age: removed %v, %v", removed, err)
	}
	left, _ := r.Runs(ctx, 0)
	var got []string
	for _, run := range left {
		got = append(got, run.ID)
	}
	if want := []string{"r000002", "r000003", "r000006", "r000007", "r000008"}; !slices.Equal(got, want) {
		t.Errorf("runs left %v, want %v", got, want)
	}
}
