package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Skipped is a file a directory or glob source held that is not read.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// SelectData keeps the files to read: every file a source named itself,
// and the files a directory or glob found that are Parquet or Arrow IPC by
// their first bytes (DetectFormat) and are not excluded. The others are
// returned as skipped with the reason, so one stray file (notes.txt, a
// manifest) does not fail the whole read. With strict, a found file that
// is not data is an error wrapping ErrInvalidInput instead. exclude lists
// paths (compared as absolute, cleaned paths) to leave out, such as
// quarantined files; excluded files are skipped even when named.
func SelectData(ctx context.Context, files []File, strict bool, exclude []string) ([]File, []Skipped, error) {
	out := make([]File, 0, len(files))
	var skipped []Skipped
	excluded := absSet(exclude)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if excluded[absPath(f.Path)] {
			skipped = append(skipped, Skipped{Path: f.Path, Reason: "excluded"})
			continue
		}
		if f.Named {
			out = append(out, f)
			continue
		}
		err := sniff(f)
		switch {
		case err == nil:
			out = append(out, f)
		case strict:
			return nil, nil, fmt.Errorf("ingest %s: %w (a strict source holds only data files)", f.Path, err)
		default:
			skipped = append(skipped, Skipped{Path: f.Path, Reason: reasonText(err)})
		}
	}
	return out, skipped, nil
}

// sniff checks a file's first bytes are those of a format ingest reads.
// Corrupt data files pass: they are data, and fail where they are read.
func sniff(f File) error {
	osf, err := os.Open(f.Path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	defer osf.Close()
	format, err := DetectFormat(osf, f.Size)
	if format != FormatUnknown {
		return nil
	}
	return err
}

// reasonText is a DetectFormat error without its class.
func reasonText(err error) string {
	msg := err.Error()
	if p := ErrInvalidInput.Error() + ": "; len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}

func absSet(paths []string) map[string]bool {
	m := make(map[string]bool, len(paths))
	for _, p := range paths {
		m[absPath(p)] = true
	}
	return m
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}
