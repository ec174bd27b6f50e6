package registry

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestQuarantine checks a quarantine is recorded with its reason, listed,
// refused twice and without a reason, released, and kept in the history.
func TestQuarantine(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	path := filepath.Join(t.TempDir(), "month=5", "part-0.parquet")
	if _, err := r.Quarantine(ctx, path, "", "ops"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("quarantine without a reason: %v", err)
	}
	q, err := r.Quarantine(ctx, path, "truncated export", "ops")
	if err != nil || q.Path != path || q.At.IsZero() {
		t.Fatalf("quarantine: %+v, %v", q, err)
	}
	if _, err := r.Quarantine(ctx, path, "again", "ops"); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("quarantine twice: %v", err)
	}
	list, err := r.QuarantineList(ctx, false)
	if err != nil || len(list) != 1 || list[0].Reason != "truncated export" || list[0].Actor != "ops" {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if _, err := r.Release(ctx, path, "ops2"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Release(ctx, path, "ops2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("release twice: %v", err)
	}
	if list, _ := r.QuarantineList(ctx, false); len(list) != 0 {
		t.Errorf("still listed after release: %+v", list)
	}
	all, _ := r.QuarantineList(ctx, true)
	if len(all) != 1 || all[0].Released.IsZero() || all[0].ReleasedBy != "ops2" {
		t.Errorf("history %+v", all)
	}
	if _, err := r.Quarantine(ctx, path, "broken again", "ops"); err != nil {
		t.Errorf("quarantine after a release: %v", err)
	}
}
