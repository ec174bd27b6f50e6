package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOpenSkipsStrayFiles checks a directory with data beside marker files
// (skipped silently), a stray non-data file and an empty one (skipped and
// reported) reads all the data; strict mode fails on the stray file and
// names it; excluded files are left out (issue 14).
func TestOpenSkipsStrayFiles(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, filepath.Join(dir, "month=1", "part-0.parquet"), []rowB{{1}, {2}}, 10)
	writeParquet(t, filepath.Join(dir, "month=2", "part-0.parquet"), []rowB{{3}}, 10)
	for name, content := range map[string]string{
		"_SUCCESS": "", "month=1/.part-0.parquet.crc": "crc", "month=2/part-0.parquet.crc": "crc",
		"README.md": "# data", "readme": "data", "NOTES.MD": "x",
		"manifest.json": `{"files": 2}`, "month=2/empty.parquet": "",
	} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, src := range []string{dir, filepath.Join(dir, "**")} {
		t.Run(filepath.Base(src), func(t *testing.T) {
			ds, err := Open(context.Background(), []string{src}, checkedOptions(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := collect(t, ds)["x"]; !slices.Equal(got, []string{"1", "2", "3"}) {
				t.Errorf("rows %v", got)
			}
			var skipped []string
			for _, s := range ds.Skipped() {
				skipped = append(skipped, filepath.Base(s.Path)+": "+s.Reason)
			}
			want := []string{`manifest.json: not a Parquet or Arrow IPC file (first bytes "{\"files\"")`, "empty.parquet: empty file"}
			slices.Sort(skipped)
			slices.Sort(want)
			if !slices.Equal(skipped, want) {
				t.Errorf("skipped %q, want %q", skipped, want)
			}
		})
	}
	t.Run("strict", func(t *testing.T) {
		_, err := Open(context.Background(), []string{dir}, Options{Strict: true})
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "manifest.json") {
			t.Fatalf("strict open: %v", err)
		}
	})
	t.Run("exclude", func(t *testing.T) {
		bad := filepath.Join(dir, "month=2", "part-0.parquet")
		ds, err := Open(context.Background(), []string{dir}, Options{Exclude: []string{bad}})
		if err != nil {
			t.Fatal(err)
		}
		if got := collect(t, ds)["x"]; !slices.Equal(got, []string{"1", "2"}) {
			t.Errorf("rows %v", got)
		}
	})
	t.Run("nothing left", func(t *testing.T) {
		only := t.TempDir()
		if err := os.WriteFile(filepath.Join(only, "notes.txt"), []byte("hello"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(context.Background(), []string{only}, Options{}); !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("open: %v", err)
		}
	})
}
