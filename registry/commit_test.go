package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/crashpoint"
)

// runCandidate starts a run and registers a passed candidate under it.
func runCandidate(t *testing.T, r *Registry, parent string) (Run, Version) {
	t.Helper()
	ctx := context.Background()
	run, err := r.StartRun(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	v, err := r.Register(ctx, RegisterRequest{Parent: parent, Gate: GatePassed, RunID: run.ID,
		Files: map[string]string{"model.bin": writeFile(t, "m", "weights of "+run.ID)}})
	if err != nil {
		t.Fatal(err)
	}
	if v.State != StatePending || v.RunID != run.ID {
		t.Fatalf("registered in a run: state %s run %q", v.State, v.RunID)
	}
	return run, v
}

var fileA = FileInfo{Path: "data/a.parquet", Size: 10, ModTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}

// TestCommitRun checks a run's promotion, processed files, outcome and its
// versions' states commit together.
func TestCommitRun(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	run, v := runCandidate(t, r, "")
	err := r.CommitRun(ctx, run.ID, RunCommit{Status: RunSucceeded, Outcome: "promoted", Reasons: json.RawMessage(`["ok"]`),
		Processed: []FileInfo{fileA}, Promote: &RunPromotion{Version: v.ID, Options: PromoteOptions{Actor: "pipeline"}}})
	if err != nil {
		t.Fatal(err)
	}
	if champ, err := r.Target(ctx, Champion); err != nil || champ != v.ID {
		t.Errorf("champion %q, %v", champ, err)
	}
	if todo, err := r.Unprocessed(ctx, []FileInfo{fileA}); err != nil || len(todo) != 0 {
		t.Errorf("unprocessed after the commit: %v, %v", todo, err)
	}
	got, err := r.GetRun(ctx, run.ID)
	if err != nil || got.Status != RunSucceeded || got.Outcome != "promoted" || got.Finished.IsZero() {
		t.Errorf("run %+v, %v", got, err)
	}
	if v, _ := r.Get(ctx, v.ID); v.State != StatePromoted {
		t.Errorf("version state %s", v.State)
	}
	err = r.CommitRun(ctx, run.ID, RunCommit{Status: RunSucceeded, Outcome: "promoted"})
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("second commit of a run: %v, want ErrInvalidInput", err)
	}
}

// TestCommitRunAliasMoved checks a run whose champion was rolled back
// while it worked commits nothing, and can then commit without the
// promotion; its candidate becomes not-promoted.
func TestCommitRunAliasMoved(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	v1 := register(t, r, GatePassed, "")
	v2 := register(t, r, GatePassed, v1.ID)
	for _, id := range []string{v1.ID, v2.ID} {
		if err := r.Promote(ctx, id, Champion, PromoteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	run, cand := runCandidate(t, r, v2.ID)
	if _, err := r.Rollback(ctx, Champion, RollbackOptions{Reason: "operator"}); err != nil {
		t.Fatal(err)
	}
	err := r.CommitRun(ctx, run.ID, RunCommit{Status: RunSucceeded, Outcome: "promoted",
		Processed: []FileInfo{fileA}, Promote: &RunPromotion{Version: cand.ID, Expect: v2.ID}})
	var moved *AliasMovedError
	if !errors.As(err, &moved) || moved.Current != v1.ID || moved.Expected != v2.ID {
		t.Fatalf("commit: %v, want an AliasMovedError from v0002 to v0001", err)
	}
	if champ, _ := r.Target(ctx, Champion); champ != v1.ID {
		t.Errorf("champion %s after a refused commit", champ)
	}
	if todo, _ := r.Unprocessed(ctx, []FileInfo{fileA}); len(todo) != 1 {
		t.Errorf("files marked by a refused commit")
	}
	if got, _ := r.GetRun(ctx, run.ID); got.Status != RunRunning {
		t.Errorf("run %s after a refused commit", got.Status)
	}
	if err := r.CommitRun(ctx, run.ID, RunCommit{Status: RunBlocked, Outcome: "champion-changed"}); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Get(ctx, cand.ID); v.State != StateNotPromoted {
		t.Errorf("candidate state %s, want %s", v.State, StateNotPromoted)
	}
}

// TestRecoverInterrupted checks runs left running are closed as
// interrupted with a time and a reason, their pending versions abandoned,
// and finished runs left alone.
func TestRecoverInterrupted(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	done, err := r.StartRun(ctx, "manual")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CommitRun(ctx, done.ID, RunCommit{Status: RunSucceeded, Outcome: "kept"}); err != nil {
		t.Fatal(err)
	}
	killed, v := runCandidate(t, r, "")
	closed, err := r.RecoverInterrupted(ctx)
	if err != nil || len(closed) != 1 || closed[0].ID != killed.ID {
		t.Fatalf("recovered %+v, %v", closed, err)
	}
	got, _ := r.GetRun(ctx, killed.ID)
	if got.Status != RunInterrupted || got.Outcome != RunInterrupted || !got.Finished.After(got.Started) ||
		!strings.Contains(string(got.Reasons), "interrupted") {
		t.Errorf("interrupted run %+v", got)
	}
	if got, _ := r.GetRun(ctx, done.ID); got.Status != RunSucceeded {
		t.Errorf("finished run became %s", got.Status)
	}
	if v, _ := r.Get(ctx, v.ID); v.State != StateAbandoned {
		t.Errorf("version state %s, want %s", v.State, StateAbandoned)
	}
	if err := r.Promote(ctx, v.ID, Champion, PromoteOptions{}); !errors.Is(err, ErrGateNotPassed) {
		t.Errorf("promoting an abandoned version without force: %v", err)
	}
	if err := r.Promote(ctx, v.ID, Champion, PromoteOptions{Force: true, Reason: "checked by hand"}); err != nil {
		t.Errorf("forced promotion of an abandoned version: %v", err)
	}
	if again, err := r.RecoverInterrupted(ctx); err != nil || len(again) != 0 {
		t.Errorf("second recovery closed %+v, %v", again, err)
	}
}

// helperCommit is the child of TestCrashDuringCommit: a second run that
// registers a candidate and commits its promotion with a processed file.
func helperCommit(dir string) error {
	ctx := context.Background()
	r, err := Open(ctx, dir, Options{})
	if err != nil {
		return err
	}
	run, err := r.StartRun(ctx, "child")
	if err != nil {
		return err
	}
	src := filepath.Join(dir, "src-model.bin")
	if err := os.WriteFile(src, []byte("child weights"), 0o644); err != nil {
		return err
	}
	v, err := r.Register(ctx, RegisterRequest{Gate: GatePassed, RunID: run.ID, Files: map[string]string{"model.bin": src}})
	if err != nil {
		return err
	}
	return r.CommitRun(ctx, run.ID, RunCommit{Status: RunSucceeded, Outcome: "promoted", Processed: []FileInfo{fileA},
		Promote: &RunPromotion{Version: v.ID, Expect: "v0001"}})
}

// TestCrashDuringCommit SIGKILLs a run after each of its durable steps
// (every fsync, rename and commit, through internal/crashpoint) and checks
// that the workspace then holds all of the run's commit or none of it:
// never a promotion without its processed file, nor the reverse (issue
// 14's double processing), and after recovery never a run left running.
func TestCrashDuringCommit(t *testing.T) {
	probe := t.TempDir()
	seed(t, probe)
	trace := filepath.Join(t.TempDir(), "trace")
	if err := childCommit(t, probe, crashpoint.EnvTrace+"="+trace); err != nil {
		t.Fatalf("child without a kill: %v", err)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	points := strings.Split(strings.TrimSpace(string(data)), "\n")
	for n := 1; n <= len(points); n++ {
		t.Run(fmt.Sprintf("kill after %s", points[n-1]), func(t *testing.T) {
			dir := t.TempDir()
			seed(t, dir)
			if err := childCommit(t, dir, fmt.Sprintf("%s=%d", crashpoint.EnvAfter, n)); err == nil {
				t.Fatal("the child was not killed")
			}
			checkAllOrNothing(t, dir)
		})
	}
}

// seed makes a workspace with champion v0001.
func seed(t *testing.T, dir string) {
	r := openTest(t, dir)
	v := register(t, r, GatePassed, "")
	if err := r.Promote(context.Background(), v.ID, Champion, PromoteOptions{}); err != nil {
		t.Fatal(err)
	}
	r.Close()
}

func childCommit(t *testing.T, dir string, env string) error {
	cmd := helperCmd(t, envHelper+"=commit", envDir+"="+dir, env)
	return cmd.Run()
}

func checkAllOrNothing(t *testing.T, dir string) {
	ctx := context.Background()
	r := openTest(t, dir)
	champ, err := r.Resolve(ctx, Champion)
	if err != nil {
		t.Fatalf("champion after the kill: %v", err)
	}
	todo, err := r.Unprocessed(ctx, []FileInfo{fileA})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := r.Runs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	committed := len(runs) == 1 && runs[0].Status == RunSucceeded
	promoted := champ.ID != "v0001"
	if promoted != committed || committed != (len(todo) == 0) {
		t.Fatalf("half a commit: champion %s, run %+v, file unprocessed %v", champ.ID, runs, len(todo) == 1)
	}
	if _, err := r.RecoverInterrupted(ctx); err != nil {
		t.Fatal(err)
	}
	runs, _ = r.Runs(ctx, 0)
	for _, run := range runs {
		if run.Status == RunRunning {
			t.Errorf("run %s still running after recovery", run.ID)
		}
	}
	if err := r.Check(ctx); err != nil {
		t.Error(err)
	}
}
