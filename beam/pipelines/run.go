package pipelines

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/validate/profile"
)

// Run executes p on the runner named by Beam's --runner flag: prism, in
// this process, when unset.
func Run(ctx context.Context, p *beam.Pipeline) error {
	if err := beamx.Run(ctx, p); err != nil {
		return fmt.Errorf("pipelines: running the pipeline: %w", err)
	}
	return nil
}

// RunProfiles profiles each spec on the runner, writing profile i to
// outs[i], in one pipeline.
func RunProfiles(ctx context.Context, specs []Spec, outs []string) error {
	p, s := beam.NewPipelineWithRoot()
	for i, spec := range specs {
		if err := checkSpec(ctx, spec); err != nil {
			return err
		}
		WriteTo(s, outs[i], Profile(s, spec))
	}
	return Run(ctx, p)
}

// checkSpec opens the dataset on the launcher first, so bad paths and
// hostile footers fail before the job is submitted, with ingest's error.
func checkSpec(ctx context.Context, spec Spec) error {
	_, err := ingest.Open(ctx, spec.Sources, ingest.Options{})
	return err
}

// ReadProfile reads a profile JSON written by a pipeline (a local path, or
// one with a scheme through Beam's filesystem).
func ReadProfile(ctx context.Context, path string) (*profile.Profile, error) {
	b, err := readFile(ctx, path)
	if err != nil {
		return nil, err
	}
	p, err := profile.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("pipelines: %s: %w", path, err)
	}
	return p, nil
}

func readFile(ctx context.Context, path string) ([]byte, error) {
	if !strings.Contains(path, "://") {
		return os.ReadFile(path)
	}
	fs, err := filesystem.New(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("pipelines: reading %s: %w", path, err)
	}
	defer fs.Close()
	r, err := fs.OpenRead(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("pipelines: reading %s: %w", path, err)
	}
	defer r.Close()
	return io.ReadAll(r)
}
