package registry

import (
	"context"
	"encoding/json"
	"errors"
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
