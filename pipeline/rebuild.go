package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
)

// Rebuilt says what RebuildCatalog put in the new catalog.
type Rebuilt struct {
	Versions []string `json:"versions"`
	// Damaged are version folders whose model does not load: left out of
	// the catalog (and on disk).
	Damaged   []string `json:"damaged,omitempty"`
	Runs      int      `json:"runs"`
	Processed int      `json:"processed_files"`
	Champion  string   `json:"champion,omitempty"`
	// ChampionFrom says where the champion comes from: the last run that
	// promoted, or the --champion given.
	ChampionFrom string `json:"champion_from,omitempty"`
}

// RebuildCatalog writes a new catalog for the workspace ws, whose
// catalog.db was lost, from its artifacts (registry.Restore):
//
//   - a version for every models/<id>/ folder whose model loads (its
//     embedded checksum verified), with its artifacts, its lineage (the
//     run, the dataset, the training time) from the model, its metrics
//     and gate verdict from eval.json, its parent and state from the run
//     that registered it;
//   - a run for every runs/<id>/run.json, with its status and outcome;
//     runs with no new data left no record and are not restored;
//   - the files the runs consumed (promoted, kept, not-promoted), marked
//     processed as they are now on disk, so the next run does not take
//     the whole history for new data;
//   - the champion's history replayed from the runs that promoted. Manual
//     promotions and rollbacks left no artifact: champion, when not
//     empty, names the version to end at instead.
//
// The caller must hold the workspace lock.
func RebuildCatalog(ctx context.Context, ws, champion string) (*Rebuilt, error) {
	recs, err := readRunRecords(ws)
	if err != nil {
		return nil, err
	}
	out := &Rebuilt{}
	data := registry.Restored{Processed: map[string][]registry.FileInfo{}}
	versions, err := restoredVersions(ws, recs, out)
	if err != nil {
		return nil, err
	}
	data.Versions = versions
	for _, rec := range recs {
		data.Runs = append(data.Runs, restoredRun(rec))
		if consumed(rec.Outcome) {
			data.Processed[rec.ID] = processedFiles(rec.NewFiles)
			out.Processed += len(data.Processed[rec.ID])
		}
	}
	out.Runs = len(recs)
	if data.History, err = championHistory(recs, out, champion); err != nil {
		return nil, err
	}
	if err := registry.Restore(ctx, ws, data, registry.Options{}); err != nil {
		return nil, fmt.Errorf("pipeline: rebuild catalog: %w", err)
	}
	return out, nil
}

// readRunRecords reads runs/*/run.json, in run order; unreadable ones
// are skipped.
func readRunRecords(ws string) ([]*Record, error) {
	recs, err := workspace.Dir(ws).Records()
	if err != nil {
		return nil, fmt.Errorf("pipeline: rebuild catalog: %w", err)
	}
	return recs, nil
}

// restoredVersions reads every version folder whose model loads.
func restoredVersions(ws string, recs []*Record, out *Rebuilt) ([]registry.Version, error) {
	entries, err := os.ReadDir(workspace.Dir(ws).ModelsPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pipeline: rebuild catalog: %w", err)
	}
	byCandidate := map[string]*Record{}
	for _, rec := range recs {
		if rec.Candidate != "" {
			byCandidate[rec.Candidate] = rec
		}
	}
	var vs []registry.Version
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "v") {
			continue
		}
		if _, err := strconv.Atoi(e.Name()[1:]); err != nil {
			continue
		}
		v, err := restoredVersion(filepath.Join(workspace.Dir(ws).ModelsPath(), e.Name()), byCandidate[e.Name()])
		if err != nil {
			out.Damaged = append(out.Damaged, fmt.Sprintf("%s (%v)", e.Name(), err))
			continue
		}
		vs = append(vs, v)
		out.Versions = append(out.Versions, v.ID)
	}
	return vs, nil
}

// restoredVersion reads one version folder: the model's lineage, the
// evaluation, and what its run (rec, nil if none) decided.
func restoredVersion(dir string, rec *Record) (registry.Version, error) {
	v := registry.Version{ID: filepath.Base(dir), Gate: registry.GateMissing, State: registry.StateRegistered}
	path := filepath.Join(dir, artifactModel)
	m, err := model.Load(path)
	if err != nil {
		return v, err
	}
	lin := m.Spec().Lineage
	v.DatasetFingerprint = lin["dataset"]
	if v.Created, err = time.Parse(time.RFC3339, lin["trained_at"]); err != nil {
		if st, err := os.Stat(path); err == nil {
			v.Created = st.ModTime().UTC()
		}
	}
	if err := readEvaluation(filepath.Join(dir, artifactEval), &v); err != nil {
		return v, err
	}
	if rec != nil {
		v.RunID, v.Parent, v.State = rec.ID, rec.ChampionBefore, candidateState(rec, v.ID)
	}
	return v, nil
}

// readEvaluation takes the metrics and gate verdict from eval.json, if
// the version has one.
func readEvaluation(path string, v *registry.Version) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var ev struct {
		Results []evaluate.Result `json:"results"`
		Verdict *evaluate.Verdict `json:"verdict"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return fmt.Errorf("%s: %w", artifactEval, err)
	}
	if len(ev.Results) > 0 {
		v.Metrics, _ = json.Marshal(ev.Results[0].Metrics) // a map of floats always encodes
	}
	if ev.Verdict != nil {
		v.GateReasons, _ = json.Marshal(ev.Verdict)
		v.Gate = registry.GateFailed
		if ev.Verdict.Pass {
			v.Gate = registry.GatePassed
		}
	}
	return nil
}

// candidateState is what a run's outcome made of its candidate.
func candidateState(rec *Record, id string) string {
	switch {
	case rec.Outcome == OutcomePromoted && rec.ChampionAfter == id:
		return registry.StatePromoted
	case rec.Outcome == OutcomeRejected:
		return registry.StateRejected
	case string(rec.Outcome) == registry.RunInterrupted:
		return registry.StateAbandoned
	}
	return registry.StateNotPromoted
}

// restoredRun is a run's catalog row from its record; the catalog's times
// are the run's clock.
func restoredRun(rec *Record) registry.Run {
	reasons, _ := json.Marshal(rec.Reasons) // a []string always encodes
	return registry.Run{ID: rec.ID, Started: rec.Clock, Finished: rec.Clock, Status: runStatus(rec.Outcome),
		Outcome: string(rec.Outcome), Trigger: rec.Trigger, Reasons: reasons}
}

func runStatus(outcome Outcome) string {
	switch outcome {
	case OutcomeFailed:
		return registry.RunFailed
	case registry.RunInterrupted:
		return registry.RunInterrupted
	case OutcomeBlockedData, OutcomeRejected, OutcomeChampionChanged:
		return registry.RunBlocked
	}
	return registry.RunSucceeded
}

// consumed says whether a run with the outcome marked its files processed.
func consumed(outcome Outcome) bool {
	switch outcome {
	case OutcomePromoted, OutcomeKept, OutcomeNotPromoted:
		return true
	}
	return false
}

// processedFiles describes the files as they are on disk now; files gone
// since are left out.
func processedFiles(paths []string) []registry.FileInfo {
	var out []registry.FileInfo
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			out = append(out, registry.FileInfo{Path: p, Size: st.Size(), ModTime: st.ModTime()})
		}
	}
	return out
}

// championHistory replays the promotions of the runs, then moves to
// champion when it is given and differs.
func championHistory(recs []*Record, out *Rebuilt, champion string) ([]registry.HistoryEntry, error) {
	var hist []registry.HistoryEntry
	cur := ""
	for _, rec := range recs {
		to := rec.ChampionAfter
		if rec.Outcome != OutcomePromoted || to == "" || to == cur || !slices.Contains(out.Versions, to) {
			continue
		}
		hist = append(hist, registry.HistoryEntry{At: rec.Clock, Alias: registry.Champion, From: cur, To: to,
			Kind: "promote", Actor: "pipeline", Reason: "rebuilt from run " + rec.ID})
		cur, out.ChampionFrom = to, "run "+rec.ID
	}
	if champion != "" && champion != cur {
		if !slices.Contains(out.Versions, champion) {
			return nil, fmt.Errorf("pipeline: rebuild catalog: --champion %s: no such version among %v", champion, out.Versions)
		}
		hist = append(hist, registry.HistoryEntry{At: time.Now().UTC(), Alias: registry.Champion, From: cur, To: champion,
			Kind: "promote", Forced: true, Actor: "rebuild", Reason: "set by refit catalog rebuild --champion"})
		cur, out.ChampionFrom = champion, "--champion"
	}
	out.Champion = cur
	return hist, nil
}
