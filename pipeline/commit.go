package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/refit-ml/refit/registry"
	"github.com/refit-ml/refit/workspace"
)

// OutcomeChampionChanged is the outcome of a run whose candidate passed
// its gates against a champion that an operator replaced (promote,
// rollback) while the run worked: it is not promoted, and the run's files
// stay unprocessed so that the next run decides again against the
// champion of record.
const OutcomeChampionChanged = "champion-changed"

// finish settles the run's status, writes its record and report, and
// commits it: the promotion, the processed files and the outcome in one
// catalog transaction (registry.CommitRun). Order:
//
//  1. the champion of record is read: if it is no longer the one the
//     candidate was gated against, the run does not promote;
//  2. report.html then run.json are written, saying what the commit will
//     record: a champion never changes without the report that explains
//     it, and a run whose record cannot be written (a full disk) fails
//     and promotes nothing;
//  3. the commit, which checks the champion again under the catalog's
//     write lock; if it moved in between, the record is rewritten and the
//     run commits without the promotion.
//
// A kill before 3 leaves the run "running" in the catalog and nothing
// promoted or processed; the next start marks it interrupted
// (recoverWorkspace). A kill after 3 leaves a finished run.
func (r *run) finish(ctx context.Context, runErr error) (*Record, error) {
	ctx = context.WithoutCancel(ctx)
	r.settle(runErr)
	if err := r.checkChampion(ctx); err != nil {
		r.championMoved(err)
	}
	r.rec.Finished = time.Now()
	if err := r.writeRecord(); err != nil {
		r.fail(fmt.Errorf("pipeline: run %s: %w", r.rec.ID, err))
		_ = writeRecord(r.dir, r.rec) // best effort: the failure's own record
	}
	if r.opts.beforeCommit != nil {
		r.opts.beforeCommit()
	}
	err := r.commit(ctx)
	if errors.Is(err, registry.ErrAliasMoved) {
		r.championMoved(err)
		_ = writeRecord(r.dir, r.rec) // best effort: the catalog has the outcome
		err = r.commit(ctx)
	}
	if err != nil {
		r.fail(err)
		_ = writeRecord(r.dir, r.rec)
		reasons, _ := json.Marshal(r.rec.Reasons) // a []string always encodes
		_ = r.reg.FinishRun(ctx, r.rec.ID, r.status, reasons)
		return r.rec, r.err
	}
	r.prune(ctx)
	r.callHooks(ctx)
	return r.rec, r.err
}

// writeRecord writes the run's report and run.json, except for a run that
// found no new data: the catalog's row (status, outcome, reasons) is its
// whole record, one line, so that hourly fires on a quiet source do not
// pile up folders of reports saying nothing happened.
func (r *run) writeRecord() error {
	if r.err == nil && r.rec.Outcome == OutcomeNoData {
		return nil
	}
	return writeRecord(r.dir, r.rec)
}

// prune applies the retention settings after the run committed: the
// catalog rows first, then the folders. Failures are logged: retention
// never fails a run.
func (r *run) prune(ctx context.Context) {
	ret := r.cfg.Retention
	var before time.Time
	if ret.MaxAge > 0 {
		before = r.opts.Now.Add(-time.Duration(ret.MaxAge))
	}
	ids, err := r.reg.PruneRuns(ctx, ret.KeepRuns, before)
	if err != nil {
		r.opts.Logger.Warn("run retention", "err", err)
		return
	}
	for _, id := range ids {
		if err := os.RemoveAll(workspace.Dir(r.ws).RunPath(id)); err != nil {
			r.opts.Logger.Warn("run retention", "run", id, "err", err)
		}
	}
	if len(ids) > 0 {
		r.opts.Logger.Info("run retention: removed old runs", "runs", len(ids), "first", ids[0], "last", ids[len(ids)-1])
	}
}

// settle sets the run's status, outcome and error from the error its
// stages returned. A run that did not complete commits no promotion and
// marks no file processed.
func (r *run) settle(err error) {
	err = r.noSpace(err)
	r.err, r.status = err, registry.RunSucceeded
	switch {
	case errors.Is(err, ErrBlocked):
		r.status = registry.RunBlocked
		if r.rec.Outcome == "" {
			r.rec.Outcome = OutcomeBlockedData
		}
	case err != nil:
		r.rec.Outcome, r.rec.Error, r.status = OutcomeFailed, err.Error(), registry.RunFailed
	}
	if err != nil {
		r.dropPromotion()
		r.consumed = nil
		return
	}
	if r.promo != nil {
		r.reason("%s", r.promoteWhy)
	}
}

// fail turns the run into a failed one after its stages completed.
func (r *run) fail(err error) {
	err = r.noSpace(err)
	if r.promo != nil {
		r.rec.Reasons = slices.DeleteFunc(r.rec.Reasons, func(s string) bool { return s == r.promoteWhy })
		r.reason("candidate %s not promoted: %v", r.promo.Version, err)
	}
	r.dropPromotion()
	r.consumed = nil
	r.err, r.status = err, registry.RunFailed
	r.rec.Outcome, r.rec.Error = OutcomeFailed, err.Error()
}

// noSpace names the workspace in an error from a full file system, which
// the operator must then free: "no space left on device in WORKSPACE".
func (r *run) noSpace(err error) error {
	if err == nil || errors.Is(err, registry.ErrNoSpace) || !errors.Is(err, syscall.ENOSPC) {
		return err
	}
	return fmt.Errorf("%w in %s: %w", registry.ErrNoSpace, r.ws, err)
}

func (r *run) dropPromotion() {
	r.promo = nil
	r.rec.ChampionAfter = r.rec.ChampionBefore
}

// checkChampion reads the champion of record before the record is
// written; an AliasMovedError says it changed since the run started.
func (r *run) checkChampion(ctx context.Context) error {
	if r.promo == nil {
		return nil
	}
	cur, err := r.reg.Target(ctx, registry.Champion)
	if err != nil && !errors.Is(err, registry.ErrNotFound) {
		return nil // the commit checks again
	}
	if cur != r.promo.Expect {
		return &registry.AliasMovedError{Alias: registry.Champion, Expected: r.promo.Expect, Current: cur}
	}
	return nil
}

// championMoved turns a promotion into a refusal: the candidate was gated
// against a champion that is no longer the champion of record.
func (r *run) championMoved(err error) {
	var moved *registry.AliasMovedError
	if !errors.As(err, &moved) || r.promo == nil {
		return
	}
	cand := r.promo.Version
	r.reason("not promoted: the champion changed during the run, from %s to %s (an operator's promote or rollback); "+
		"candidate %s was gated against %s, so its files stay unprocessed and the next run decides again against %s",
		orNone(moved.Expected), orNone(moved.Current), cand, orNone(moved.Expected), orNone(moved.Current))
	r.promo, r.consumed = nil, nil
	r.rec.ChampionAfter = moved.Current
	r.rec.Outcome, r.status = OutcomeChampionChanged, registry.RunBlocked
	r.err = fmt.Errorf("%w: candidate %s not promoted: %w", ErrBlocked, cand, err)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// commit records the run's end in the catalog in one transaction.
func (r *run) commit(ctx context.Context) error {
	reasons, _ := json.Marshal(r.rec.Reasons) // a []string always encodes
	return r.reg.CommitRun(ctx, r.rec.ID, registry.RunCommit{
		Status: r.status, Outcome: string(r.rec.Outcome), Reasons: reasons,
		Processed: r.consumed, Promote: r.promo,
	})
}
