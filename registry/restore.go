package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Restored is what a rebuilt catalog holds, reconstructed by the caller
// from a workspace's artifacts (see Restore).
type Restored struct {
	// Versions are the versions to record, each with its ID; their
	// artifacts are the files of models/<ID>/, hashed by Restore.
	Versions []Version
	// Runs are the runs to record, with their IDs, times, statuses and
	// outcomes.
	Runs []Run
	// Processed are the files each run consumed, by run ID.
	Processed map[string][]FileInfo
	// History is the champion's alias history to record, oldest first;
	// the alias points at its last entry's target.
	History []HistoryEntry
}

// Restore writes a new catalog for the workspace dir from what its
// artifacts say, for a workspace whose catalog was lost (Open refuses
// it). The catalog is built in a temporary file and renamed into place,
// so a failed rebuild leaves no catalog. Every version's folder must exist
// and holds its artifacts; an existing, non-empty catalog is refused
// (ErrInvalidInput): move it away first.
func Restore(ctx context.Context, dir string, data Restored, opts Options) error {
	if err := restore(ctx, dir, data, opts.withDefaults()); err != nil {
		return fmt.Errorf("registry: restore %s: %w", dir, err)
	}
	return nil
}

func restore(ctx context.Context, dir string, data Restored, opts Options) error {
	final := filepath.Join(dir, catalogFile)
	if st, err := os.Stat(final); err == nil && st.Size() > 0 {
		return fmt.Errorf("%w: %s exists: move it away to rebuild it", ErrInvalidInput, final)
	}
	tmp := final + ".rebuild"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(tmp + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	db, err := sql.Open("sqlite", dsn(tmp, opts.BusyTimeout, false))
	if err != nil {
		return err
	}
	err = migrate(ctx, db)
	if err == nil {
		err = inTx(ctx, db, func(tx *sql.Tx) error { return insertRestored(ctx, tx, dir, data) })
	}
	if err == nil {
		// Fold the WAL into the file so that one file moves into place.
		_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		for _, suffix := range []string{"-wal", "-shm"} {
			_ = os.Remove(final + suffix)
		}
		err = os.Rename(tmp, final)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

func insertRestored(ctx context.Context, tx *sql.Tx, dir string, data Restored) error {
	vs := slices.Clone(data.Versions)
	slices.SortFunc(vs, func(a, b Version) int { return int(versionSeq(a.ID) - versionSeq(b.ID)) })
	for _, v := range vs {
		if err := insertRestoredVersion(ctx, tx, dir, v); err != nil {
			return fmt.Errorf("version %s: %w", v.ID, err)
		}
	}
	for _, run := range data.Runs {
		seq := runSeq(run.ID)
		if seq == 0 {
			return fmt.Errorf("%w: run id %q", ErrInvalidInput, run.ID)
		}
		if len(run.Reasons) == 0 || !json.Valid(run.Reasons) {
			run.Reasons = json.RawMessage("null")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO runs(seq, id, started, finished, status, outcome, trigger, reasons)
			VALUES (?,?,?,?,?,?,?,?)`, seq, run.ID, fmtTime(run.Started), fmtTimeOrEmpty(run.Finished),
			run.Status, run.Outcome, run.Trigger, string(run.Reasons)); err != nil {
			return fmt.Errorf("run %s: %w", run.ID, err)
		}
		if err := markProcessed(ctx, tx, run.ID, data.Processed[run.ID]); err != nil {
			return err
		}
	}
	for _, h := range data.History {
		if err := moveAlias(ctx, tx, h); err != nil {
			return fmt.Errorf("alias %s: %w", h.Alias, err)
		}
	}
	return nil
}

// insertRestoredVersion records v with the files of its folder.
func insertRestoredVersion(ctx context.Context, tx *sql.Tx, dir string, v Version) error {
	seq := versionSeq(v.ID)
	if seq == 0 {
		return fmt.Errorf("%w: version id %q", ErrInvalidInput, v.ID)
	}
	folder := filepath.Join(dir, modelsDir, v.ID)
	entries, err := os.ReadDir(folder)
	if err != nil {
		return err
	}
	v.Seq, v.Artifacts = seq, nil
	for _, e := range entries {
		if !e.Type().IsRegular() || !validArtifactName(e.Name()) {
			continue
		}
		sum, n, err := hashFile(filepath.Join(folder, e.Name()))
		if err != nil {
			return err
		}
		v.Artifacts = append(v.Artifacts, Artifact{Name: e.Name(), SHA256: sum, Size: n})
	}
	if len(v.Metrics) == 0 {
		v.Metrics = json.RawMessage("{}")
	}
	if len(v.GateReasons) == 0 {
		v.GateReasons = json.RawMessage("null")
	}
	if v.Gate == "" {
		v.Gate = GateMissing
	}
	if v.State == "" {
		v.State = StateRegistered
	}
	return insertRows(ctx, tx, v)
}

func fmtTimeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmtTime(t)
}
