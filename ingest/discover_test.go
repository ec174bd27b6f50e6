package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// touch creates files (with parents) under dir.
func touch(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rels(files []File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Rel
	}
	return out
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir,
		"flat/b.parquet", "flat/a.parquet", "flat/_SUCCESS", "flat/.a.parquet.crc",
		"hive/year=2001/month=1/part-0.parquet", "hive/year=2001/month=2/part-0.parquet",
		"hive/year=2002/month=1/part-0.arrow", "hive/_tmp/junk.parquet",
		"deep/x/y/z.parquet", "deep/x/w.arrow")
	at := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	tests := []struct {
		name    string
		sources []string
		want    []string
	}{
		{"file", []string{at("flat/b.parquet")}, []string{"b.parquet"}},
		{"dir sorted, metadata skipped", []string{at("flat")}, []string{"a.parquet", "b.parquet"}},
		{"dir recursive", []string{at("hive")}, []string{"year=2001/month=1/part-0.parquet", "year=2001/month=2/part-0.parquet", "year=2002/month=1/part-0.arrow"}},
		{"glob", []string{at("flat/*.parquet")}, []string{"a.parquet", "b.parquet"}},
		{"doublestar", []string{at("deep/**/*.parquet")}, []string{"x/y/z.parquet"}},
		{"doublestar all", []string{at("deep/**")}, []string{"x/w.arrow", "x/y/z.parquet"}},
		{"glob in middle", []string{at("hive/year=2001/*/part-0.parquet")}, []string{"month=1/part-0.parquet", "month=2/part-0.parquet"}},
		{"several, duplicates dropped", []string{at("flat/a.parquet"), at("flat")}, []string{"a.parquet", "b.parquet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Discover(context.Background(), tt.sources...)
			if err != nil {
				t.Fatal(err)
			}
			if got := rels(files); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDiscoverErrors(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, "only/_SUCCESS")
	for _, src := range []string{
		filepath.Join(dir, "missing.parquet"),
		filepath.Join(dir, "*.nothing"),
		filepath.Join(dir, "only"),
		filepath.Join(dir, "[bad"),
	} {
		_, err := Discover(context.Background(), src)
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Discover(%s) = %v, want ErrInvalidInput", src, err)
		}
	}
	if _, err := Discover(context.Background()); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Discover() = %v, want ErrInvalidInput", err)
	}
}

func TestParsePartitions(t *testing.T) {
	tests := []struct {
		rel     string
		want    []Partition
		wantErr bool
	}{
		{"a.parquet", nil, false},
		{"year=2001/a.parquet", []Partition{{Key: "year", Value: "2001"}}, false},
		{"x/year=2001/notkv/m=01/a.parquet", []Partition{{Key: "year", Value: "2001"}, {Key: "m", Value: "01"}}, false},
		{"city=New%20York/a.parquet", []Partition{{Key: "city", Value: "New York"}}, false},
		{"k=__HIVE_DEFAULT_PARTITION__/a.parquet", []Partition{{Key: "k", Null: true}}, false},
		{"k=/a.parquet", []Partition{{Key: "k", Value: ""}}, false},
		{"=v/a.parquet", nil, false},
		{"k=1/k=2/a.parquet", nil, true},
		{"k=%zz/a.parquet", nil, true},
		{"year=2001", nil, false}, // a file name is never a partition
	}
	for _, tt := range tests {
		got, err := parsePartitions(tt.rel)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.rel, err, tt.wantErr)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.rel, got, tt.want)
		}
	}
}
