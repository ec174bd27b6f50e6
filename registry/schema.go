package registry

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/refit-ml/refit/internal/crashpoint"
)

// migrations[i] moves the schema from version i to version i+1. Append only:
// never edit a migration that has shipped.
var migrations = []string{
	// 1: versions, artifacts, aliases, alias history, runs, processed files.
	`CREATE TABLE versions (
		seq        INTEGER PRIMARY KEY,
		id         TEXT NOT NULL UNIQUE,
		created    TEXT NOT NULL,
		parent     TEXT NOT NULL DEFAULT '',
		dataset_fp TEXT NOT NULL DEFAULT '',
		config_hash TEXT NOT NULL DEFAULT '',
		metrics    TEXT NOT NULL DEFAULT '{}',
		gate       TEXT NOT NULL CHECK (gate IN ('passed','failed','missing')),
		gate_reasons TEXT NOT NULL DEFAULT 'null'
	);
	CREATE TABLE artifacts (
		version TEXT NOT NULL REFERENCES versions(id),
		name    TEXT NOT NULL,
		sha256  TEXT NOT NULL,
		size    INTEGER NOT NULL,
		PRIMARY KEY (version, name)
	);
	CREATE TABLE aliases (
		name    TEXT PRIMARY KEY,
		version TEXT NOT NULL REFERENCES versions(id),
		updated TEXT NOT NULL
	);
	CREATE TABLE alias_history (
		seq     INTEGER PRIMARY KEY AUTOINCREMENT,
		at      TEXT NOT NULL,
		alias   TEXT NOT NULL,
		from_version TEXT NOT NULL DEFAULT '',
		to_version   TEXT NOT NULL,
		kind    TEXT NOT NULL CHECK (kind IN ('promote','rollback')),
		reason  TEXT NOT NULL DEFAULT '',
		forced  INTEGER NOT NULL DEFAULT 0,
		actor   TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX alias_history_alias ON alias_history(alias, seq);
	CREATE TABLE runs (
		seq      INTEGER PRIMARY KEY,
		id       TEXT NOT NULL UNIQUE,
		started  TEXT NOT NULL,
		finished TEXT NOT NULL DEFAULT '',
		status   TEXT NOT NULL,
		trigger  TEXT NOT NULL DEFAULT '',
		reasons  TEXT NOT NULL DEFAULT 'null'
	);
	CREATE TABLE processed_files (
		path        TEXT PRIMARY KEY,
		size        INTEGER NOT NULL,
		mtime_ns    INTEGER NOT NULL,
		fingerprint TEXT NOT NULL DEFAULT '',
		run_id      TEXT NOT NULL DEFAULT ''
	);`,
	// 2: a run's outcome, and the run that registered a version with what
	// became of it (see the Version states).
	`ALTER TABLE runs ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
	ALTER TABLE versions ADD COLUMN run_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE versions ADD COLUMN state TEXT NOT NULL DEFAULT 'registered';`,
	// 3: quarantined input files, with their release (the history stays).
	`CREATE TABLE quarantine (
		seq         INTEGER PRIMARY KEY AUTOINCREMENT,
		path        TEXT NOT NULL,
		reason      TEXT NOT NULL,
		at          TEXT NOT NULL,
		actor       TEXT NOT NULL DEFAULT '',
		released    TEXT NOT NULL DEFAULT '',
		released_by TEXT NOT NULL DEFAULT ''
	);
	CREATE UNIQUE INDEX quarantine_active ON quarantine(path) WHERE released = '';`,
}

// SchemaVersion is the catalog schema this package writes.
const SchemaVersion = 3

// migrate brings the catalog to SchemaVersion in one immediate transaction,
// so two processes opening a fresh workspace at once do not race. A
// catalog already at SchemaVersion is only read: opening it takes no
// write lock and writes nothing (a full disk or a run holding the lock
// does not stop a reader).
func migrate(ctx context.Context, db *sql.DB) error {
	var v int
	if err := db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v); err == nil && v == len(migrations) {
		return nil
	}
	return inTx(ctx, db, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		v, err := currentSchema(ctx, tx)
		if err != nil {
			return err
		}
		if v > len(migrations) {
			return fmt.Errorf("catalog schema version %d is newer than this program (%d)", v, len(migrations))
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
		if v == len(migrations) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_version(version) VALUES (?)`, len(migrations))
		return err
	})
}

func currentSchema(ctx context.Context, tx *sql.Tx) (int, error) {
	var v int
	err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return v, err
}

// inTx runs fn in a transaction. The DSN sets _txlock=immediate, so every
// transaction takes the write lock at BEGIN: read-then-write sequences inside
// fn are serialized across processes and never fail with SQLITE_BUSY on
// lock upgrade.
func inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	crashpoint.Hit("catalog commit")
	return nil
}
