package registry

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Check verifies the whole workspace: SQLite's integrity_check, every
// version's artifacts against their SHA-256, that no version folder up to
// the last registered id lacks its row, every alias's target, and that
// each alias's history is a chain (each entry's from is the previous entry's
// to) ending at the alias's current target. It returns nil or an error
// joining every problem, each wrapping ErrCorrupt.
func (r *Registry) Check(ctx context.Context) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("registry: check: %w: "+format, append([]any{ErrCorrupt}, args...)...))
	}
	var ic string
	if err := r.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ic); err != nil {
		return fmt.Errorf("registry: check: %w", err)
	}
	if ic != "ok" {
		bad("integrity_check: %s", ic)
	}
	vs, err := r.List(ctx, Filter{})
	if err != nil {
		return err
	}
	for _, v := range vs {
		if err := verifyArtifacts(v.Artifacts); err != nil {
			bad("version %s: %v", v.ID, err)
		}
	}
	known, last := map[string]bool{}, int64(0)
	for _, v := range vs {
		known[v.ID], last = true, max(last, v.Seq)
	}
	entries, err := os.ReadDir(filepath.Join(r.dir, modelsDir))
	if err != nil {
		return fmt.Errorf("registry: check: %w", err)
	}
	for _, e := range entries {
		// Folders after the last id are crashed registrations' (CleanOrphans).
		if seq := versionSeq(e.Name()); e.IsDir() && seq > 0 && seq <= last && !known[e.Name()] {
			bad("models/%s has no catalog row", e.Name())
		}
	}
	aliases, err := r.Aliases(ctx)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(aliases)) {
		if err := r.checkAlias(ctx, name, aliases[name]); err != nil {
			bad("alias %s: %v", name, err)
		}
	}
	return errors.Join(errs...)
}

func (r *Registry) checkAlias(ctx context.Context, alias, target string) error {
	if _, err := getVersion(ctx, r.db, target); err != nil {
		return err
	}
	hist, err := r.History(ctx, alias)
	if err != nil {
		return err
	}
	prev := ""
	for _, h := range hist {
		if h.From != prev {
			return fmt.Errorf("history entry %d goes from %q, previous entry went to %q", h.Seq, h.From, prev)
		}
		prev = h.To
	}
	if prev != target {
		return fmt.Errorf("history ends at %q, alias points at %q", prev, target)
	}
	return nil
}
