package registry

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// RunCommit is everything a run decides, committed at its end in one
// transaction by CommitRun.
type RunCommit struct {
	Status  string          // RunSucceeded, RunBlocked or RunFailed
	Outcome string          // the pipeline's outcome
	Reasons json.RawMessage // any JSON; defaults to null
	// Processed are the files the run consumed; they are marked processed
	// by the run (see MarkProcessed).
	Processed []FileInfo
	// Promote, when set, moves an alias to the run's candidate.
	Promote *RunPromotion
}

// RunPromotion is the promotion a run commits.
type RunPromotion struct {
	Version string
	Alias   string // defaults to Champion
	// Expect is the alias's target the candidate was evaluated against
	// ("" when there was none). When the alias points elsewhere at commit
	// time, the commit fails with an AliasMovedError and changes nothing.
	Expect  string
	Options PromoteOptions
}

// CommitRun closes a running run in one BEGIN IMMEDIATE transaction: it
// moves the alias of c.Promote (checking it still points at Expect and
// that the version's gate passed, as Promote does), marks c.Processed,
// settles the states of the versions the run registered (the promoted one
// StatePromoted, the others StateRejected or StateNotPromoted by their
// gate) and records the run's status, outcome and reasons. A crash leaves
// all of it or none of it: a run is never finished without its files
// marked, nor a champion promoted by a run that still looks unfinished.
//
// The promoted version's artifacts are verified before the transaction.
// The run must be running: committing a run twice, or one that
// RecoverInterrupted closed, is ErrInvalidInput.
func (r *Registry) CommitRun(ctx context.Context, id string, c RunCommit) error {
	if err := r.commitRun(ctx, id, c); err != nil {
		return fmt.Errorf("registry: commit run %s: %w", id, err)
	}
	return nil
}

func (r *Registry) commitRun(ctx context.Context, id string, c RunCommit) error {
	if len(c.Reasons) == 0 {
		c.Reasons = json.RawMessage("null")
	}
	if !json.Valid(c.Reasons) {
		return fmt.Errorf("%w: reasons are not JSON", ErrInvalidInput)
	}
	p := c.Promote
	if p != nil {
		if p.Alias == "" {
			p.Alias = Champion
		}
		if err := r.checkPromotable(ctx, p.Version, p.Alias, p.Options); err != nil {
			return err
		}
	}
	return inTx(ctx, r.db, func(tx *sql.Tx) error {
		if err := runIsRunning(ctx, tx, id); err != nil {
			return err
		}
		if p != nil {
			if err := r.commitPromotion(ctx, tx, p); err != nil {
				return err
			}
		}
		if err := markProcessed(ctx, tx, id, c.Processed); err != nil {
			return err
		}
		if err := settleVersions(ctx, tx, id, p); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE runs SET finished = ?, status = ?, outcome = ?, reasons = ? WHERE id = ?`,
			fmtTime(r.now()), c.Status, c.Outcome, string(c.Reasons), id)
		return err
	})
}

func runIsRunning(ctx context.Context, tx *sql.Tx, id string) error {
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM runs WHERE id = ?`, id).Scan(&status)
	switch {
	case err == sql.ErrNoRows:
		return fmt.Errorf("run %s: %w", id, ErrNotFound)
	case err != nil:
		return err
	case status != RunRunning:
		return fmt.Errorf("%w: run %s is %s, not running", ErrInvalidInput, id, status)
	}
	return nil
}

// checkPromotable verifies the version's artifacts and its gate (unless
// forced) outside any transaction.
func (r *Registry) checkPromotable(ctx context.Context, version, alias string, opts PromoteOptions) error {
	if !aliasRe.MatchString(alias) {
		return fmt.Errorf("%w: alias name %q", ErrInvalidInput, alias)
	}
	if opts.Force && opts.Reason == "" {
		return fmt.Errorf("%w: a forced promotion needs a reason", ErrInvalidInput)
	}
	v, err := r.Verify(ctx, version)
	if err != nil {
		return err
	}
	return promotable(v, opts)
}

// commitPromotion moves the alias when it still points at p.Expect.
func (r *Registry) commitPromotion(ctx context.Context, tx *sql.Tx, p *RunPromotion) error {
	cur, err := aliasTarget(ctx, tx, p.Alias)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if cur != p.Expect {
		return &AliasMovedError{Alias: p.Alias, Expected: p.Expect, Current: cur}
	}
	if cur == p.Version {
		return nil
	}
	v, err := getVersion(ctx, tx, p.Version)
	if err != nil {
		return err
	}
	return moveAlias(ctx, tx, HistoryEntry{At: r.now().UTC(), Alias: p.Alias, From: cur, To: p.Version, Kind: "promote",
		Reason: p.Options.Reason, Forced: p.Options.Force && v.Gate != GatePassed, Actor: p.Options.Actor})
}

// settleVersions gives the run's pending versions their final state.
func settleVersions(ctx context.Context, tx *sql.Tx, runID string, p *RunPromotion) error {
	promoted := ""
	if p != nil {
		promoted = p.Version
	}
	_, err := tx.ExecContext(ctx, `UPDATE versions SET state = CASE
			WHEN id = ? THEN ?
			WHEN gate = 'passed' THEN ?
			ELSE ? END
		WHERE run_id = ? AND state = ?`,
		promoted, StatePromoted, StateNotPromoted, StateRejected, runID, StatePending)
	return err
}

// RecoverInterrupted closes what interrupted runs left in the catalog, in
// one transaction: every run still "running" becomes RunInterrupted
// (finished at the current time, with a reason), and every pending version
// becomes StateAbandoned. It returns the runs it closed, oldest first.
//
// Call it only while holding the workspace lock that every run holds
// (refit run and refit serve take <workspace>/refit.lock): a run that is
// running in another process would be marked interrupted too.
func (r *Registry) RecoverInterrupted(ctx context.Context) ([]Run, error) {
	var closed []Run
	err := inTx(ctx, r.db, func(tx *sql.Tx) error {
		var err error
		if closed, err = runningRuns(ctx, tx); err != nil {
			return err
		}
		now := r.now().UTC()
		for i := range closed {
			if err := closeInterrupted(ctx, tx, &closed[i], now); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE versions SET state = ? WHERE state = ?`, StateAbandoned, StatePending)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: recover interrupted runs: %w", err)
	}
	return closed, nil
}

func closeInterrupted(ctx context.Context, tx *sql.Tx, run *Run, now time.Time) error {
	run.Finished, run.Status, run.Outcome = now, RunInterrupted, RunInterrupted
	run.Reasons, _ = json.Marshal([]string{fmt.Sprintf( // a []string always encodes
		"interrupted: the process stopped before the run committed; closed by the next start at %s", now.Format(time.RFC3339))})
	_, err := tx.ExecContext(ctx, `UPDATE runs SET finished = ?, status = ?, outcome = ?, reasons = ? WHERE id = ?`,
		fmtTime(now), run.Status, run.Outcome, string(run.Reasons), run.ID)
	return err
}

func runningRuns(ctx context.Context, tx *sql.Tx) ([]Run, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, started, trigger FROM runs WHERE status = ? ORDER BY seq`, RunRunning)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var run Run
		var started string
		if err := rows.Scan(&run.ID, &started, &run.Trigger); err != nil {
			return nil, err
		}
		if run.Started, err = parseTime(started); err != nil {
			return nil, err
		}
		out = append(out, run)
	}
	return out, rows.Err()
}
