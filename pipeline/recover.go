package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
)

// tmpDir is the workspace folder for a run's temporary work (the candidate
// model before registration, its evidence files): see workspace.TmpDir.
const tmpDir = workspace.TmpDir

// stagingAge is how old a registration's staging folder must be before
// recovery removes it even though its process may be alive (a pid can be
// reused); a dead process's folder goes at once.
const stagingAge = time.Hour

// Recovery is what Recover repaired in a workspace.
type Recovery struct {
	// Interrupted are the runs a dead process left "running", now closed
	// as interrupted; their candidates are abandoned.
	Interrupted []string `json:"interrupted,omitempty"`
	// Removed are the temporary files and folders removed, relative to
	// the workspace.
	Removed []string `json:"removed,omitempty"`
}

// Empty says whether there was nothing to repair.
func (r *Recovery) Empty() bool { return len(r.Interrupted) == 0 && len(r.Removed) == 0 }

// Recover repairs what interrupted runs left in cfg's workspace: runs
// still "running" are closed as interrupted (in the catalog and in their
// run.json), the versions they registered are abandoned, and temporary
// work is removed: tmp/, registration staging folders of dead processes,
// model folders with no catalog row, and the temporary files of crash-safe
// writes under runs/. Run and Audit do this first; refit serve also does
// it at start. The caller must hold the workspace lock (refit.lock), as
// every run does: a run in progress would be taken for an interrupted one.
func Recover(ctx context.Context, cfg *Config) (*Recovery, error) {
	ws := cfg.Path(cfg.Workspace)
	reg, err := openWorkspace(ctx, ws, registry.Options{})
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	return recoverWorkspace(ctx, reg, ws)
}

func recoverWorkspace(ctx context.Context, reg *registry.Registry, ws string) (*Recovery, error) {
	rec := &Recovery{}
	closed, err := reg.RecoverInterrupted(ctx)
	if err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	for _, run := range closed {
		rec.Interrupted = append(rec.Interrupted, run.ID)
		markRecordInterrupted(workspace.Dir(ws).RunPath(run.ID), run)
	}
	removed, err := reg.CleanOrphans(ctx, stagingAge)
	for _, name := range removed {
		rec.Removed = append(rec.Removed, filepath.Join("models", name))
	}
	if err != nil {
		return rec, fmt.Errorf("pipeline: %w", err)
	}
	more, err := removeTemp(ws)
	rec.Removed = append(rec.Removed, more...)
	if err != nil {
		return rec, fmt.Errorf("pipeline: cleaning temporary files: %w", err)
	}
	more, err = removeUnlistedRuns(ctx, reg, ws)
	rec.Removed = append(rec.Removed, more...)
	if err != nil {
		return rec, fmt.Errorf("pipeline: cleaning pruned runs: %w", err)
	}
	return rec, nil
}

// removeUnlistedRuns removes the runs/<id> folders whose catalog row
// retention deleted (a crash between the two leaves them): ids up to the
// last run's with no row.
func removeUnlistedRuns(ctx context.Context, reg *registry.Registry, ws string) ([]string, error) {
	last, err := reg.Runs(ctx, 1)
	if err != nil || len(last) == 0 {
		return nil, err
	}
	lastSeq := runSeq(last[0].ID)
	entries, err := os.ReadDir(workspace.Dir(ws).RunsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var removed []string
	for _, e := range entries {
		seq := runSeq(e.Name())
		if !e.IsDir() || seq <= 0 || seq > lastSeq {
			continue
		}
		if _, err := reg.GetRun(ctx, e.Name()); !errors.Is(err, registry.ErrNotFound) {
			continue
		}
		rel := filepath.Join(workspace.RunsDir, e.Name())
		if err := os.RemoveAll(filepath.Join(ws, rel)); err != nil {
			return removed, err
		}
		removed = append(removed, rel)
	}
	return removed, nil
}

// markRecordInterrupted rewrites the run.json (and report) an interrupted
// run may have written before its commit, which names the outcome the
// commit would have recorded. Best effort: the catalog is the record of
// truth, and a run killed earlier has no run.json.
func markRecordInterrupted(dir string, run registry.Run) {
	rec, err := readRecord(filepath.Join(dir, workspace.RecordFile))
	if err != nil {
		return
	}
	rec.Outcome, rec.Error = registry.RunInterrupted, "interrupted before the run committed"
	rec.ChampionAfter, rec.Finished = rec.ChampionBefore, run.Finished
	rec.Reasons = append(rec.Reasons, fmt.Sprintf("interrupted: the process stopped before the run committed; nothing it decided took effect (closed at %s)",
		run.Finished.Format(time.RFC3339)))
	_ = writeRecord(dir, rec)
}

// removeTemp empties tmp/ and removes the temporary files of crash-safe
// writes (".NAME.tmp-*", see internal/atomicfile) in runs/*/. It returns
// the removed paths relative to ws.
func removeTemp(ws string) ([]string, error) {
	var removed []string
	var errs []error
	entries, err := os.ReadDir(filepath.Join(ws, tmpDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, err)
	}
	for _, e := range entries {
		rel := filepath.Join(tmpDir, e.Name())
		if err := os.RemoveAll(filepath.Join(ws, rel)); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, rel)
	}
	temps, err := filepath.Glob(filepath.Join(workspace.Dir(ws).RunsPath(), "*", ".*.tmp-*"))
	errs = append(errs, err)
	for _, p := range temps {
		if err := os.Remove(p); err != nil {
			errs = append(errs, err)
			continue
		}
		rel, _ := filepath.Rel(ws, p)
		removed = append(removed, rel)
	}
	return removed, errors.Join(errs...)
}

// makeTemp makes a fresh folder for one run's temporary work under the
// workspace's tmp/.
func makeTemp(ws, pattern string) (string, error) {
	dir := filepath.Join(ws, tmpDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("pipeline: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("pipeline: %w", err)
	}
	return tmp, nil
}

// Notes describe the recovery in sentences.
func (rec *Recovery) Notes() []string {
	var notes []string
	if len(rec.Interrupted) > 0 {
		notes = append(notes, fmt.Sprintf("closed %s, interrupted before committing (the process stopped); nothing it decided took effect",
			strings.Join(rec.Interrupted, ", ")))
	}
	if len(rec.Removed) > 0 {
		notes = append(notes, fmt.Sprintf("removed %d temporary files and folders left by interrupted work: %s",
			len(rec.Removed), strings.Join(rec.Removed, ", ")))
	}
	return notes
}
