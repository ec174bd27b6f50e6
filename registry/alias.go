package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Well-known aliases. Any name matching [a-z][a-z0-9_-]{0,63} is allowed.
const (
	Champion   = "champion"
	Challenger = "challenger"
)

var aliasRe = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// PromoteOptions control Promote. The zero value promotes only a version
// whose gate passed.
type PromoteOptions struct {
	// Force promotes a version whose gate failed or is missing. It requires
	// a Reason; the history entry records forced=true when the gate had not
	// passed.
	Force bool
	// Reason is recorded in the history.
	Reason string
	// Actor (user, CI job, "pipeline") is recorded in the history.
	Actor string
}

// RollbackOptions are recorded in the history entry of a Rollback.
type RollbackOptions struct {
	Reason string
	Actor  string
}

// HistoryEntry is one alias change. The history is append-only.
type HistoryEntry struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Alias  string    `json:"alias"`
	From   string    `json:"from"` // "" when the alias was created
	To     string    `json:"to"`
	Kind   string    `json:"kind"` // "promote" or "rollback"
	Reason string    `json:"reason,omitempty"`
	Forced bool      `json:"forced,omitempty"`
	Actor  string    `json:"actor,omitempty"`
}

// Promote points alias at version in one BEGIN IMMEDIATE transaction that
// reads the current target, updates the alias and appends the history entry,
// so concurrent promotions are serialized and none is lost. The version's
// artifacts are verified first. Promoting the current target is a no-op
// without a history entry.
func (r *Registry) Promote(ctx context.Context, version, alias string, opts PromoteOptions) error {
	if err := r.promote(ctx, version, alias, opts); err != nil {
		return fmt.Errorf("registry: promote %s to %s: %w", version, alias, err)
	}
	return nil
}

func (r *Registry) promote(ctx context.Context, version, alias string, opts PromoteOptions) error {
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
	if err := promotable(v, opts); err != nil {
		return err
	}
	entry := HistoryEntry{At: r.now().UTC(), Alias: alias, To: version, Kind: "promote",
		Reason: opts.Reason, Forced: opts.Force && v.Gate != GatePassed, Actor: opts.Actor}
	return inTx(ctx, r.db, func(tx *sql.Tx) error {
		cur, err := aliasTarget(ctx, tx, alias)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if cur == version {
			return nil
		}
		entry.From = cur
		return moveAlias(ctx, tx, entry)
	})
}

// promotable refuses, unless forced, a version whose gate did not pass or
// whose run was interrupted before deciding (StateAbandoned).
func promotable(v Version, opts PromoteOptions) error {
	if opts.Force {
		return nil
	}
	if v.Gate != GatePassed {
		return fmt.Errorf("gate verdict is %s: %w", v.Gate, ErrGateNotPassed)
	}
	if v.State == StateAbandoned {
		return fmt.Errorf("%s was abandoned: its run %s was interrupted before deciding: %w", v.ID, v.RunID, ErrGateNotPassed)
	}
	return nil
}

// Rollback moves alias back to the target it had before its latest
// promotion, and records that as a "rollback" history entry. Rollbacks
// undo promotions in stack order: after promoting v1, v2, v3, two rollbacks
// lead to v2 then v1; a third fails with ErrNotFound. The target's artifacts
// are verified first. It returns the new target.
func (r *Registry) Rollback(ctx context.Context, alias string, opts RollbackOptions) (string, error) {
	var to string
	err := inTx(ctx, r.db, func(tx *sql.Tx) error {
		hist, err := history(ctx, tx, alias)
		if err != nil {
			return err
		}
		stack := promotionStack(hist)
		if len(stack) < 2 {
			return fmt.Errorf("no earlier target in history: %w", ErrNotFound)
		}
		to = stack[len(stack)-2]
		v, err := getVersion(ctx, tx, to)
		if err != nil {
			return err
		}
		r.fillPaths(&v)
		if err := verifyArtifacts(v.Artifacts); err != nil {
			return fmt.Errorf("%s: %w", to, err)
		}
		return moveAlias(ctx, tx, HistoryEntry{At: r.now().UTC(), Alias: alias,
			From: stack[len(stack)-1], To: to, Kind: "rollback", Reason: opts.Reason, Actor: opts.Actor})
	})
	if err != nil {
		return "", fmt.Errorf("registry: rollback %s: %w", alias, err)
	}
	return to, nil
}

// promotionStack replays history: a promotion pushes, a rollback pops.
func promotionStack(hist []HistoryEntry) []string {
	var stack []string
	for _, h := range hist {
		if h.Kind == "rollback" && len(stack) > 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		stack = append(stack, h.To)
	}
	return stack
}

func moveAlias(ctx context.Context, tx *sql.Tx, e HistoryEntry) error {
	at := fmtTime(e.At)
	if _, err := tx.ExecContext(ctx, `INSERT INTO aliases(name, version, updated) VALUES (?,?,?)
		ON CONFLICT(name) DO UPDATE SET version = excluded.version, updated = excluded.updated`,
		e.Alias, e.To, at); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO alias_history(at, alias, from_version, to_version, kind, reason, forced, actor)
		VALUES (?,?,?,?,?,?,?,?)`, at, e.Alias, e.From, e.To, e.Kind, e.Reason, e.Forced, e.Actor)
	return err
}

func aliasTarget(ctx context.Context, q querier, alias string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT version FROM aliases WHERE name = ?`, alias).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("alias %s: %w", alias, ErrNotFound)
	}
	return v, err
}

// Resolve returns the version alias points at, with its artifacts verified
// against their SHA-256 (ErrCorrupt on mismatch).
func (r *Registry) Resolve(ctx context.Context, alias string) (Version, error) {
	id, err := aliasTarget(ctx, r.db, alias)
	if err != nil {
		return Version{}, fmt.Errorf("registry: resolve %s: %w", alias, err)
	}
	v, err := r.Verify(ctx, id)
	if err != nil {
		return Version{}, fmt.Errorf("registry: resolve %s: %w", alias, err)
	}
	return v, nil
}

// Aliases returns every alias and its target.
func (r *Registry) Aliases(ctx context.Context) (map[string]string, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT name, version FROM aliases`)
	if err != nil {
		return nil, fmt.Errorf("registry: aliases: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			return nil, fmt.Errorf("registry: aliases: %w", err)
		}
		m[n] = v
	}
	return m, rows.Err()
}

// History returns the alias's changes, oldest first.
func (r *Registry) History(ctx context.Context, alias string) ([]HistoryEntry, error) {
	h, err := history(ctx, r.db, alias)
	if err != nil {
		return nil, fmt.Errorf("registry: history %s: %w", alias, err)
	}
	return h, nil
}

func history(ctx context.Context, q querier, alias string) ([]HistoryEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, alias, from_version, to_version, kind, reason, forced, actor
		FROM alias_history WHERE alias = ? ORDER BY seq`, alias)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var e HistoryEntry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Alias, &e.From, &e.To, &e.Kind, &e.Reason, &e.Forced, &e.Actor); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Target returns the version alias points at, without verifying it; an
// alias that does not exist is ErrNotFound.
func (r *Registry) Target(ctx context.Context, alias string) (string, error) {
	v, err := aliasTarget(ctx, r.db, alias)
	if err != nil {
		return "", fmt.Errorf("registry: alias %s: %w", alias, err)
	}
	return v, nil
}
