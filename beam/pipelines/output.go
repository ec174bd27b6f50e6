package pipelines

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/refit-ml/refit/internal/atomicfile"
)

// writeFileFn writes its single input to Path: a local path crash-safely
// (temporary file, fsync, rename), a path with a scheme (gs://, s3://)
// through Beam's filesystem, whose objects appear whole on close.
type writeFileFn struct {
	Path string
}

// ProcessElement writes b.
func (f *writeFileFn) ProcessElement(ctx context.Context, b []byte) error {
	return writeFile(ctx, f.Path, b)
}

func writeFile(ctx context.Context, path string, b []byte) error {
	if !strings.Contains(path, "://") {
		return atomicfile.WriteFile(path, b, 0o644)
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return fmt.Errorf("pipelines: writing %s: %w", path, err)
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, path)
	if err != nil {
		return fmt.Errorf("pipelines: writing %s: %w", path, err)
	}
	if _, err := w.Write(b); err != nil {
		w.Close()
		return fmt.Errorf("pipelines: writing %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("pipelines: writing %s: %w", path, err)
	}
	return nil
}

// WriteTo adds a step writing the single element of col ([]byte) to path.
func WriteTo(s beam.Scope, path string, col beam.PCollection) {
	beam.ParDo0(s.Scope("write"), &writeFileFn{Path: path}, col)
}
