package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Fingerprint identifies the dataset's bytes for lineage: the SHA-256 of
// the list of its files, each named by its path below the source root
// (File.Rel) with its size and the SHA-256 of its content, sorted by name.
// It is the same for the same bytes wherever the dataset lives, and changes
// when any file changes, appears, disappears or is renamed. Every byte is
// read, files in parallel.
func (d *Dataset) Fingerprint(ctx context.Context) (string, error) {
	files := make([]File, len(d.files))
	for i, fe := range d.files {
		files[i] = fe.File
	}
	return Fingerprint(ctx, files, d.opts.Parallelism)
}

// Fingerprint computes the fingerprint of files as Dataset.Fingerprint
// does, hashing up to parallelism files at once.
func Fingerprint(ctx context.Context, files []File, parallelism int) (string, error) {
	lines := make([]string, len(files))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(parallelism, 1))
	for i, f := range files {
		g.Go(func() error {
			sum, n, err := hashFile(ctx, f.Path)
			if err != nil {
				return err
			}
			lines[i] = fmt.Sprintf("%s\x00%d\x00%s\n", f.Rel, n, sum)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return "", err
	}
	slices.Sort(lines)
	h := sha256.New()
	io.WriteString(h, "refit-dataset-v1\n")
	io.WriteString(h, strings.Join(lines, ""))
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(ctx context.Context, path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("ingest %s: fingerprint: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, f})
	if err != nil {
		return "", 0, fmt.Errorf("ingest %s: fingerprint: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ctxReader stops a long read when its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
