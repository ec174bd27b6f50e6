package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Run statuses.
const (
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunBlocked   = "blocked" // completed, but data quality or gates stopped it
	RunFailed    = "failed"
	// RunInterrupted: the process stopped (killed, crashed, lost power)
	// before the run committed; RecoverInterrupted closes such runs at the
	// next start.
	RunInterrupted = "interrupted"
)

// Run is one pipeline run as recorded in the catalog.
type Run struct {
	ID       string    `json:"id"` // "r000001", ordered like versions
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Status   string    `json:"status"`
	// Outcome is what the run did (the pipeline's outcomes: promoted,
	// kept, no-new-data, ...), committed with its status; "" while running.
	Outcome string          `json:"outcome,omitempty"`
	Trigger string          `json:"trigger,omitempty"` // "schedule:nightly", "manual", ...
	Reasons json.RawMessage `json:"reasons"`
}

// StartRun records a new run with status "running" and returns it.
func (r *Registry) StartRun(ctx context.Context, trigger string) (Run, error) {
	run := Run{Started: r.now().UTC(), Status: RunRunning, Trigger: trigger, Reasons: json.RawMessage("null")}
	err := inTx(ctx, r.db, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq),0)+1 FROM runs`).Scan(&seq); err != nil {
			return err
		}
		run.ID = fmt.Sprintf("r%06d", seq)
		_, err := tx.ExecContext(ctx, `INSERT INTO runs(seq, id, started, status, trigger) VALUES (?,?,?,?,?)`,
			seq, run.ID, fmtTime(run.Started), run.Status, run.Trigger)
		return err
	})
	if err != nil {
		return Run{}, fmt.Errorf("registry: start run: %w", err)
	}
	return run, nil
}

// FinishRun sets a run's final status and reasons (any JSON, may be nil).
func (r *Registry) FinishRun(ctx context.Context, id, status string, reasons json.RawMessage) error {
	if len(reasons) == 0 {
		reasons = json.RawMessage("null")
	}
	if !json.Valid(reasons) {
		return fmt.Errorf("registry: finish run %s: %w: reasons are not JSON", id, ErrInvalidInput)
	}
	res, err := r.db.ExecContext(ctx, `UPDATE runs SET finished = ?, status = ?, reasons = ? WHERE id = ?`,
		fmtTime(r.now()), status, string(reasons), id)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("registry: finish run %s: %w", id, err)
	}
	return nil
}

// GetRun returns one run.
func (r *Registry) GetRun(ctx context.Context, id string) (Run, error) {
	runs, err := r.queryRuns(ctx, `WHERE id = ?`, id)
	if err == nil && len(runs) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Run{}, fmt.Errorf("registry: run %s: %w", id, err)
	}
	return runs[0], nil
}

// Runs returns the newest limit runs (all when limit <= 0), oldest first.
func (r *Registry) Runs(ctx context.Context, limit int) ([]Run, error) {
	if limit <= 0 {
		runs, err := r.queryRuns(ctx, "")
		return runs, wrapRuns(err)
	}
	runs, err := r.queryRuns(ctx, `WHERE seq > (SELECT COALESCE(MAX(seq),0) FROM runs) - ?`, limit)
	return runs, wrapRuns(err)
}

func wrapRuns(err error) error {
	if err != nil {
		return fmt.Errorf("registry: runs: %w", err)
	}
	return nil
}

func (r *Registry) queryRuns(ctx context.Context, where string, args ...any) ([]Run, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT id, started, finished, status, outcome, trigger, reasons FROM runs `+where+` ORDER BY seq`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var run Run
		var started, finished, reasons string
		if err := rows.Scan(&run.ID, &started, &finished, &run.Status, &run.Outcome, &run.Trigger, &reasons); err != nil {
			return nil, err
		}
		run.Reasons = json.RawMessage(reasons)
		t1, err1 := parseTime(started)
		t2, err2 := parseTime(finished)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		run.Started, run.Finished = t1, t2
		out = append(out, run)
	}
	return out, rows.Err()
}

// FileInfo identifies one input file's content for idempotent runs.
type FileInfo struct {
	Path        string    `json:"path"`
	Size        int64     `json:"size"`
	ModTime     time.Time `json:"mtime"`
	Fingerprint string    `json:"fingerprint,omitempty"`
}

// MarkProcessed records files as consumed by run runID, replacing earlier
// records of the same paths. All files are recorded in one transaction.
func (r *Registry) MarkProcessed(ctx context.Context, runID string, files []FileInfo) error {
	err := inTx(ctx, r.db, func(tx *sql.Tx) error { return markProcessed(ctx, tx, runID, files) })
	if err != nil {
		return fmt.Errorf("registry: mark processed: %w", err)
	}
	return nil
}

func markProcessed(ctx context.Context, tx *sql.Tx, runID string, files []FileInfo) error {
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO processed_files(path, size, mtime_ns, fingerprint, run_id)
			VALUES (?,?,?,?,?) ON CONFLICT(path) DO UPDATE SET size = excluded.size,
			mtime_ns = excluded.mtime_ns, fingerprint = excluded.fingerprint, run_id = excluded.run_id`,
			f.Path, f.Size, f.ModTime.UnixNano(), f.Fingerprint, runID); err != nil {
			return err
		}
	}
	return nil
}

// Unprocessed returns the files (in input order) that were never marked
// processed, or whose size, modification time or fingerprint changed since.
func (r *Registry) Unprocessed(ctx context.Context, files []FileInfo) ([]FileInfo, error) {
	var out []FileInfo
	for _, f := range files {
		var size, mtime int64
		var fp string
		err := r.db.QueryRowContext(ctx, `SELECT size, mtime_ns, fingerprint FROM processed_files WHERE path = ?`,
			f.Path).Scan(&size, &mtime, &fp)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			out = append(out, f)
		case err != nil:
			return nil, fmt.Errorf("registry: unprocessed %s: %w", f.Path, err)
		case size != f.Size || mtime != f.ModTime.UnixNano() || fp != f.Fingerprint:
			out = append(out, f)
		}
	}
	return out, nil
}
