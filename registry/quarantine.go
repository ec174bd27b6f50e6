package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Quarantined is one quarantine of an input file: recorded with a reason,
// listed, and lifted by Release (the entry stays, with its release).
type Quarantined struct {
	Path       string    `json:"path"` // absolute
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor,omitempty"`
	Released   time.Time `json:"released,omitzero"`
	ReleasedBy string    `json:"released_by,omitempty"`
}

// Quarantine records that runs must not read path (made absolute): a
// damaged file that would block every run otherwise. A reason is
// required; a file already quarantined is ErrInvalidInput.
func (r *Registry) Quarantine(ctx context.Context, path, reason, actor string) (Quarantined, error) {
	q := Quarantined{Path: absPath(path), Reason: reason, At: r.now().UTC(), Actor: actor}
	if reason == "" {
		return q, fmt.Errorf("registry: quarantine %s: %w: a quarantine needs a reason", q.Path, ErrInvalidInput)
	}
	err := inTx(ctx, r.db, func(tx *sql.Tx) error {
		if _, err := activeQuarantine(ctx, tx, q.Path); err == nil {
			return fmt.Errorf("%w: already quarantined", ErrInvalidInput)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO quarantine(path, reason, at, actor) VALUES (?,?,?,?)`,
			q.Path, q.Reason, fmtTime(q.At), q.Actor)
		return err
	})
	if err != nil {
		return q, fmt.Errorf("registry: quarantine %s: %w", q.Path, err)
	}
	return q, nil
}

// Release lifts the quarantine of path: the next run reads it again (as a
// new file if it was never processed). A file not quarantined is
// ErrNotFound.
func (r *Registry) Release(ctx context.Context, path, actor string) (Quarantined, error) {
	var q Quarantined
	abs := absPath(path)
	err := inTx(ctx, r.db, func(tx *sql.Tx) error {
		var err error
		if q, err = activeQuarantine(ctx, tx, abs); err != nil {
			return err
		}
		q.Released, q.ReleasedBy = r.now().UTC(), actor
		_, err = tx.ExecContext(ctx, `UPDATE quarantine SET released = ?, released_by = ? WHERE path = ? AND released = ''`,
			fmtTime(q.Released), actor, abs)
		return err
	})
	if err != nil {
		return q, fmt.Errorf("registry: release %s: %w", abs, err)
	}
	return q, nil
}

// QuarantineList returns the files under quarantine, or with all every
// quarantine ever recorded, oldest first.
func (r *Registry) QuarantineList(ctx context.Context, all bool) ([]Quarantined, error) {
	q := `SELECT path, reason, at, actor, released, released_by FROM quarantine`
	if !all {
		q += ` WHERE released = ''`
	}
	rows, err := r.db.QueryContext(ctx, q+` ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("registry: quarantine list: %w", err)
	}
	defer rows.Close()
	var out []Quarantined
	for rows.Next() {
		e, err := scanQuarantined(rows)
		if err != nil {
			return nil, fmt.Errorf("registry: quarantine list: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func activeQuarantine(ctx context.Context, q querier, path string) (Quarantined, error) {
	e, err := scanQuarantined(q.QueryRowContext(ctx, `SELECT path, reason, at, actor, released, released_by
		FROM quarantine WHERE path = ? AND released = ''`, path))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("%s is not quarantined: %w", path, ErrNotFound)
	}
	return e, err
}

func scanQuarantined(s interface{ Scan(...any) error }) (Quarantined, error) {
	var e Quarantined
	var at, released string
	if err := s.Scan(&e.Path, &e.Reason, &at, &e.Actor, &released, &e.ReleasedBy); err != nil {
		return e, err
	}
	var err1, err2 error
	e.At, err1 = parseTime(at)
	e.Released, err2 = parseTime(released)
	return e, errors.Join(err1, err2)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}
