package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	// MustExist opens only a workspace that has a catalog and creates no
	// file or folder: commands that read (models list, evaluate, runs)
	// and those that change an existing workspace (promote, rollback)
	// set it, so a mistyped --workspace is an error (ErrNoWorkspace)
	// rather than a new, empty workspace. Defaults to creating the
	// workspace when it does not exist.
	MustExist bool
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

// catalogFile is the catalog's name in the workspace.
const catalogFile = "catalog.db"

// Open opens (creating if needed, unless opts.MustExist) the workspace at
// dir: dir/catalog.db and dir/models/. It migrates the catalog to
// SchemaVersion.
//
// A workspace whose catalog is missing or empty while models/ or runs/
// hold earlier work (the catalog was deleted or truncated) is refused with
// an error wrapping ErrCorrupt: starting a new catalog there would hand
// out v0001 again, over the old champion's folder. Rebuild the catalog
// from the artifacts (refit catalog rebuild) or move the folders away.
func Open(ctx context.Context, dir string, opts Options) (*Registry, error) {
	opts = opts.withDefaults()
	if err := prepareDir(dir, opts.MustExist); err != nil {
		return nil, fmt.Errorf("registry: open %s: %w", dir, err)
	}
	db, err := openDB(ctx, dir, opts, false)
	if errors.Is(err, ErrNoSpace) && opts.MustExist {
		// SQLite could not grow the shared-memory index of the WAL on a
		// full disk: read with the index in memory instead, holding the
		// catalog exclusively for this process's short life.
		db, err = openDB(ctx, dir, opts, true)
	}
	if err != nil {
		return nil, fmt.Errorf("registry: open %s: %w", dir, err)
	}
	r := &Registry{dir: dir, db: db, now: opts.Now}
	if err := r.checkNotOrphaned(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("registry: open %s: %w", dir, err)
	}
	return r, nil
}

// openDB opens the catalog and migrates it. With exclusive, the
// connection takes SQLite's exclusive locking mode before touching the
// WAL, which then keeps its index in memory and needs no -shm file.
func openDB(ctx context.Context, dir string, opts Options, exclusive bool) (*sql.DB, error) {
	source := dsn(filepath.Join(dir, catalogFile), opts.BusyTimeout, exclusive)
	db, err := sql.Open("sqlite", source)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	if exclusive {
		db.SetMaxOpenConns(1)
	}
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrate: %w", diskError(err, dir))
	}
	return db, nil
}

// prepareDir checks a workspace before its catalog is opened: it must
// have one when mustExist, and must not have earlier work without one
// otherwise, in which case models/ is created.
func prepareDir(dir string, mustExist bool) error {
	st, err := os.Stat(filepath.Join(dir, catalogFile))
	if err == nil && st.Size() > 0 {
		if mustExist {
			return nil
		}
		return os.MkdirAll(filepath.Join(dir, modelsDir), 0o755)
	}
	if work := earlierWork(dir); len(work) > 0 {
		return fmt.Errorf("%w: no catalog (%s is missing or empty) but the workspace holds earlier work (%s): "+
			"refusing to start a new catalog over it; rebuild the catalog from the artifacts (refit catalog rebuild) or move them away",
			ErrCorrupt, catalogFile, strings.Join(work, ", "))
	}
	if mustExist {
		return noWorkspace(dir, err)
	}
	return os.MkdirAll(filepath.Join(dir, modelsDir), 0o755)
}

func noWorkspace(dir string, err error) error {
	if _, derr := os.Stat(dir); derr != nil {
		return fmt.Errorf("%w: %s does not exist", ErrNoWorkspace, dir)
	}
	if err == nil {
		return fmt.Errorf("%w: %s in %s is empty", ErrNoWorkspace, catalogFile, dir)
	}
	return fmt.Errorf("%w: %s has no %s", ErrNoWorkspace, dir, catalogFile)
}

// earlierWork lists (up to a few) version folders under models/ and run
// folders under runs/.
func earlierWork(dir string) []string {
	var out []string
	for _, sub := range []string{modelsDir, "runs"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range entries {
			if e.IsDir() && (versionSeq(e.Name()) > 0 || runSeq(e.Name()) > 0) {
				out = append(out, sub+"/"+e.Name())
			}
		}
	}
	if len(out) > 4 {
		out = append(out[:4], fmt.Sprintf("and %d more", len(out)-4))
	}
	return out
}

// checkNotOrphaned refuses a catalog with no version and no run while
// models/ holds two or more version folders: a catalog created afresh
// over an earlier one's artifacts. (One folder can be a first
// registration that crashed before its commit.)
func (r *Registry) checkNotOrphaned(ctx context.Context) error {
	var versions, runs int
	err := r.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM versions), (SELECT COUNT(*) FROM runs)`).Scan(&versions, &runs)
	if err != nil || versions > 0 || runs > 0 {
		return err
	}
	var folders []string
	entries, _ := os.ReadDir(filepath.Join(r.dir, modelsDir))
	for _, e := range entries {
		if e.IsDir() && versionSeq(e.Name()) > 0 {
			folders = append(folders, e.Name())
		}
	}
	if len(folders) < 2 {
		return nil
	}
	return fmt.Errorf("%w: the catalog is new and empty but models/ holds %s: it was replaced; "+
		"rebuild it from the artifacts (refit catalog rebuild)", ErrCorrupt, strings.Join(folders, ", "))
}

// versionSeq is the number of a version id ("v0012" is 12), 0 if name is
// not one.
func versionSeq(name string) int64 { return idSeq(name, 'v') }

// runSeq is the number of a run id ("r000012" is 12), 0 if name is not
// one.
func runSeq(name string) int64 { return idSeq(name, 'r') }

func idSeq(name string, prefix byte) int64 {
	if len(name) < 2 || name[0] != prefix {
		return 0
	}
	n, err := strconv.ParseInt(name[1:], 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// dsn builds a modernc.org/sqlite DSN: busy_timeout first, WAL journal,
// synchronous FULL (a committed promotion survives power loss), foreign keys,
// and _txlock=immediate so every transaction is BEGIN IMMEDIATE.
func dsn(path string, busy time.Duration, exclusive bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	if exclusive {
		// The driver runs the _pragma list sorted by name, and the
		// _journal_mode key after it: the locking mode must come first.
		q.Add("_pragma", "locking_mode(EXCLUSIVE)")
		q.Set("_journal_mode", "WAL")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
	}
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
