package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenRefusesLostCatalog checks a workspace whose catalog was deleted,
// emptied or replaced by a fresh one is refused, and its model folders
// (the old champion's) are left as they were.
func TestOpenRefusesLostCatalog(t *testing.T) {
	ctx := context.Background()
	fresh := t.TempDir()
	openTest(t, fresh).Close()
	for _, tc := range []struct {
		name string
		lose func(t *testing.T, catalog string)
	}{
		{"deleted", func(t *testing.T, catalog string) { removeCatalog(t, catalog) }},
		{"emptied", func(t *testing.T, catalog string) {
			removeCatalog(t, catalog)
			if err := os.WriteFile(catalog, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"replaced by a new one", func(t *testing.T, catalog string) {
			removeCatalog(t, catalog)
			data, err := os.ReadFile(filepath.Join(fresh, catalogFile))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(catalog, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			r := openTest(t, dir)
			v1 := register(t, r, GatePassed, "")
			register(t, r, GatePassed, v1.ID)
			r.Close()
			model := filepath.Join(dir, "models", v1.ID, "model.bin")
			before, err := os.ReadFile(model)
			if err != nil {
				t.Fatal(err)
			}
			tc.lose(t, filepath.Join(dir, catalogFile))
			_, err = Open(ctx, dir, Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("open: %v, want ErrCorrupt", err)
			}
			if after, err := os.ReadFile(model); err != nil || string(after) != string(before) {
				t.Fatalf("the old champion's model changed: %v", err)
			}
		})
	}
}

func removeCatalog(t *testing.T, catalog string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(catalog + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

// TestOpenMustExist checks MustExist creates nothing and says why.
func TestOpenMustExist(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "typo")
	if _, err := Open(ctx, missing, Options{MustExist: true}); !errors.Is(err, ErrNoWorkspace) {
		t.Fatalf("open a missing workspace: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the workspace was created: %v", err)
	}
	empty := t.TempDir()
	if _, err := Open(ctx, empty, Options{MustExist: true}); !errors.Is(err, ErrNoWorkspace) {
		t.Fatalf("open a folder without a catalog: %v", err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Fatalf("files created: %v", entries)
	}
	dir := t.TempDir()
	openTest(t, dir).Close()
	r, err := Open(ctx, dir, Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}

// TestCheckReportsFolderWithoutRow checks a version folder whose row is
// gone is reported by Check and kept by CleanOrphans.
func TestCheckReportsFolderWithoutRow(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	v1 := register(t, r, GatePassed, "")
	register(t, r, GatePassed, v1.ID)
	if err := os.Mkdir(filepath.Join(r.Dir(), "models", "v0000001"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.Check(ctx); !errors.Is(err, ErrCorrupt) {
		t.Errorf("check: %v", err)
	}
	if removed, err := r.CleanOrphans(ctx, 0); err != nil || len(removed) != 0 {
		t.Errorf("clean removed %v, %v", removed, err)
	}
}
