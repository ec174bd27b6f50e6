package registry

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// CleanOrphans removes what crashed registrations left behind, and returns
// the removed folder names:
//   - models/.staging-<pid>-* folders whose process is gone, or that were
//     last modified more than olderThan ago (a pid can be reused);
//     a live process's younger folder may be a registration in progress;
//   - models/<id> folders with no version row and an id after the last
//     registered one (where a crashed registration leaves them). These
//     are removed while holding the catalog's write lock, under which a
//     registration renames and commits, so a registration in progress is
//     never touched.
func (r *Registry) CleanOrphans(ctx context.Context, olderThan time.Duration) ([]string, error) {
	var removed []string
	err := inTx(ctx, r.db, func(tx *sql.Tx) error {
		entries, err := os.ReadDir(filepath.Join(r.dir, modelsDir))
		if err != nil {
			return err
		}
		cutoff := r.now().Add(-olderThan)
		for _, e := range entries {
			orphan, err := r.isOrphan(ctx, tx, e, cutoff)
			if err != nil {
				return err
			}
			if !orphan {
				continue
			}
			if err := os.RemoveAll(filepath.Join(r.dir, modelsDir, e.Name())); err != nil {
				return err
			}
			removed = append(removed, e.Name())
		}
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("registry: clean orphans: %w", err)
	}
	return removed, nil
}

func (r *Registry) isOrphan(ctx context.Context, tx *sql.Tx, e os.DirEntry, cutoff time.Time) (bool, error) {
	if !e.IsDir() {
		return false, nil
	}
	if rest, ok := strings.CutPrefix(e.Name(), stagingPrefix); ok {
		info, err := e.Info()
		if err != nil {
			return false, err
		}
		return info.ModTime().Before(cutoff) || !stagerAlive(rest), nil
	}
	// A crashed registration leaves the folder of the next id (its
	// rename came before its commit); a folder at or below the last
	// registered id without a row is not a crash's but a lost row's, and
	// its files are evidence: it stays (Check reports it).
	seq := versionSeq(e.Name())
	if seq == 0 {
		return false, nil
	}
	var n, last int64
	err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM versions WHERE id = ?), (SELECT COALESCE(MAX(seq),0) FROM versions)`,
		e.Name()).Scan(&n, &last)
	return n == 0 && seq > last, err
}

// stagerAlive says whether the process named in a staging folder's name
// (after the prefix: "<pid>-<random>") may still be registering. Names
// without a pid (older versions) count as alive: only their age decides.
func stagerAlive(rest string) bool {
	pidText, _, ok := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidText)
	if !ok || err != nil || pid <= 0 {
		return true
	}
	return pid == os.Getpid() || processAlive(pid)
}
