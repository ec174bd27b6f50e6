package ingest

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir is the shared test data directory: $REFIT_SHARED, else
// ../shared next to the module root. Tests skip when it is missing.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test data not found at %s (set REFIT_SHARED): %v", dir, err)
	}
	return dir
}
