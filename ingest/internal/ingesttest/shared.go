package ingesttest

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir is the shared test data directory: $REFIT_SHARED, else
// ../shared next to the module root. Tests skip when it is missing.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = defaultShared()
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test data not found at %s (set REFIT_SHARED): %v", dir, err)
	}
	return dir
}

// SharedDirOrEmpty is SharedDir without skipping: fuzz targets still run
// on their generated seeds when the shared data is missing.
func SharedDirOrEmpty() string {
	dir := os.Getenv("REFIT_SHARED")
	if dir == "" {
		dir = defaultShared()
	}
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// defaultShared is ../shared next to the module root, found from the
// test's working directory (its package directory) by walking up to go.mod.
func defaultShared() string {
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "..", "shared")
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "..", "shared")
		}
		if filepath.Dir(d) == d {
			return filepath.Join("..", "..", "shared")
		}
	}
}

// AddSeeds adds every file under base matching one of the patterns and
// smaller than 1 MiB.
func AddSeeds(f *testing.F, base string, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(filepath.Join(base, p))
		for _, path := range files {
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() || st.Size() >= 1<<20 {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}
