package registry

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PruneRuns removes the catalog rows of old runs and returns their ids,
// oldest first, for the caller to remove their folders: the runs beyond
// the newest keep, and those started before olderThan (when not zero). It
// never removes a run that is running, nor one that registered a version
// (its record is the version's evidence).
func (r *Registry) PruneRuns(ctx context.Context, keep int, olderThan time.Time) ([]string, error) {
	var ids []string
	err := inTx(ctx, r.db, func(tx *sql.Tx) error {
		cutoff := ""
		if !olderThan.IsZero() {
			cutoff = fmtTime(olderThan)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM runs
			WHERE status != ? AND id NOT IN (SELECT run_id FROM versions)
			AND (seq <= (SELECT COALESCE(MAX(seq),0) FROM runs) - ? OR (? != '' AND started < ?))
			ORDER BY seq`, RunRunning, keep, cutoff, cutoff)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("registry: prune runs: %w", err)
	}
	return ids, nil
}
