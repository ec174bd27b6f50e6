package registry

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite", pure Go
)

// Options configure Open. The zero value is ready to use.
type Options struct {
	// Now is the clock used for created, promoted and run times.
	// Defaults to time.Now; tests pass a fixed or stepping clock.
	Now func() time.Time
	// BusyTimeout is how long a writer waits for another process's write
	// transaction before failing with SQLITE_BUSY. Defaults to 30s.
	BusyTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 30 * time.Second
	}
	return o
}

// Registry is an open workspace. It is safe for concurrent use by several
// goroutines, and several processes may open the same workspace at once.
type Registry struct {
	dir string
	db  *sql.DB
	now func() time.Time
	// fault, set only by tests, is called before each file operation of a
	// registration and fails it when it returns an error.
	fault func(op string) error
}

// hook runs the test fault injector, if any.
func (r *Registry) hook(op string) error {
	if r.fault == nil {
		return nil
	}
	return r.fault(op)
}

// Open opens (creating if needed) the workspace at dir: dir/catalog.db and
// dir/models/. It migrates the catalog to SchemaVersion.
func Open(ctx context.Context, dir string, opts Options) (*Registry, error) {
	opts = opts.withDefaults()
	if err := os.MkdirAll(filepath.Join(dir, modelsDir), 0o755); err != nil {
		return nil, fmt.Errorf("registry: open %s: %w", dir, err)
	}
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, "catalog.db"), opts.BusyTimeout))
	if err != nil {
		return nil, fmt.Errorf("registry: open %s: %w", dir, err)
	}
	db.SetMaxOpenConns(4)
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("registry: open %s: migrate: %w", dir, err)
	}
	return &Registry{dir: dir, db: db, now: opts.Now}, nil
}

// dsn builds a modernc.org/sqlite DSN: busy_timeout first, WAL journal,
// synchronous FULL (a committed promotion survives power loss), foreign keys,
// and _txlock=immediate so every transaction is BEGIN IMMEDIATE.
func dsn(path string, busy time.Duration) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Dir returns the workspace directory.
func (r *Registry) Dir() string { return r.dir }

// Close closes the catalog.
func (r *Registry) Close() error { return r.db.Close() }

// timeLayout is fixed width in UTC so that string order is time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(timeLayout, s)
}
