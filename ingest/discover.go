package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// File is one input file found by Discover.
type File struct {
	// Path is the file's path as found: the source joined with the rest.
	Path string
	// Rel is the slash-separated path below the source's root: the base
	// name for a file source, the path inside the directory for a directory
	// source, the part after the last fixed directory for a glob. It names
	// the file in fingerprints, so moving a dataset keeps its fingerprint.
	Rel  string
	Size int64
	// Partitions are the key=value directories of Rel, outermost first.
	Partitions []Partition
	// Named says the source named this file itself, rather than a
	// directory or glob finding it.
	Named bool
}

// Partition is one Hive-style key=value directory.
type Partition struct {
	Key   string
	Value string // unescaped; "" for Hive's default (null) partition
	Null  bool
}

// hiveNull is the directory value Hive and Spark write for a null key.
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

// Discover expands sources into files, in a deterministic order: sources in
// the order given, the files of each in lexical order, duplicates dropped.
// A source is a file, a directory read recursively, or a glob in which "**"
// matches any number of directories. Inside directories and among a glob's
// matches, the conventional marker files that sit beside data are skipped:
// names starting with "." or "_" (_SUCCESS, _committed_*, .part-0.crc,
// hidden folders), *.crc checksums, and README files and *.md notes. Other
// files are kept whatever they hold (see SelectData). A source matching
// nothing is an error wrapping ErrInvalidInput.
func Discover(ctx context.Context, sources ...string) ([]File, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("%w: no data source given", ErrInvalidInput)
	}
	var files []File
	seen := make(map[string]bool)
	for _, src := range sources {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		found, err := discoverOne(src)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			key := filepath.Clean(f.Path)
			if !seen[key] {
				seen[key] = true
				files = append(files, f)
			}
		}
	}
	return files, nil
}

func discoverOne(src string) ([]File, error) {
	info, err := os.Stat(src)
	switch {
	case err == nil && info.IsDir():
		return walkDir(src)
	case err == nil:
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("ingest %s: %w: not a regular file", src, ErrInvalidInput)
		}
		return []File{{Path: src, Rel: filepath.Base(src), Size: info.Size(), Named: true}}, nil
	case hasMeta(src):
		return globFiles(src)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("ingest %s: %w: no such file or directory", src, ErrInvalidInput)
	default:
		return nil, fmt.Errorf("ingest %s: %w: %w", src, ErrInvalidInput, err)
	}
}

func hasMeta(s string) bool { return strings.ContainsAny(s, "*?[{") }

func walkDir(root string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != root && skipName(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return appendFile(&files, root, path, info.Size())
	})
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w: %w", root, ErrInvalidInput, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("ingest %s: %w: directory holds no data files", root, ErrInvalidInput)
	}
	return files, nil
}

// skipName reports whether a directory entry is a marker file or folder
// that sits beside data by convention (Hadoop, Spark, Hive, people).
func skipName(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
		strings.HasSuffix(lower, ".crc") || strings.HasSuffix(lower, ".md") ||
		lower == "readme" || strings.HasPrefix(lower, "readme.")
}

func globFiles(pattern string) ([]File, error) {
	if !doublestar.ValidatePathPattern(filepath.ToSlash(pattern)) {
		return nil, fmt.Errorf("ingest %s: %w: bad glob pattern", pattern, ErrInvalidInput)
	}
	matches, err := doublestar.FilepathGlob(pattern, doublestar.WithFilesOnly())
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w: %w", pattern, ErrInvalidInput, err)
	}
	slices.Sort(matches)
	root := globRoot(pattern)
	var files []File
	for _, m := range matches {
		if skipName(filepath.Base(m)) {
			continue
		}
		info, err := os.Stat(m)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", m, err)
		}
		if err := appendFile(&files, root, m, info.Size()); err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("ingest %s: %w: no files match", pattern, ErrInvalidInput)
	}
	return files, nil
}

// globRoot is the directory before the first segment with a glob
// metacharacter.
func globRoot(pattern string) string {
	dir, _ := doublestar.SplitPattern(filepath.ToSlash(pattern))
	return filepath.FromSlash(dir)
}

func appendFile(files *[]File, root, path string, size int64) error {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return fmt.Errorf("ingest %s: %w", path, err)
	}
	rel = filepath.ToSlash(rel)
	parts, err := parsePartitions(rel)
	if err != nil {
		return fmt.Errorf("ingest %s: %w: %w", path, ErrInvalidInput, err)
	}
	*files = append(*files, File{Path: path, Rel: rel, Size: size, Partitions: parts})
	return nil
}

// parsePartitions reads the key=value directories of a slash-separated
// relative path.
func parsePartitions(rel string) ([]Partition, error) {
	dirs := strings.Split(rel, "/")
	dirs = dirs[:len(dirs)-1]
	var parts []Partition
	for _, d := range dirs {
		k, v, ok := strings.Cut(d, "=")
		if !ok || k == "" {
			continue
		}
		key, err := url.PathUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("partition directory %q: %w", d, err)
		}
		if slices.ContainsFunc(parts, func(p Partition) bool { return p.Key == key }) {
			return nil, fmt.Errorf("partition key %q appears twice in %q", key, rel)
		}
		p := Partition{Key: key}
		if v == hiveNull {
			p.Null = true
		} else if p.Value, err = url.PathUnescape(v); err != nil {
			return nil, fmt.Errorf("partition directory %q: %w", d, err)
		}
		parts = append(parts, p)
	}
	return parts, nil
}
