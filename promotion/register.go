package promotion

import (
	"context"
	"os"

	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
)

// Register copies the model file at path, and its checksum sidecar when it
// has one (the file carries its own checksum), into a new version of the
// workspace dir's registry, creating the workspace if needed.
func Register(ctx context.Context, dir, path string, req registry.RegisterRequest) (*registry.Version, error) {
	reg, err := registry.Open(ctx, dir, registry.Options{})
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	req.Files = map[string]string{registry.ModelArtifact: path}
	if _, err := os.Stat(path + model.ChecksumSuffix); err == nil {
		req.Files[registry.ModelArtifact+model.ChecksumSuffix] = path + model.ChecksumSuffix
	}
	v, err := reg.Register(ctx, req)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// RegisterVerdict registers the gate's candidate in the workspace dir with
// its metrics and verdict, and its parent's version as its parent, and
// sets r.Registered.
func RegisterVerdict(ctx context.Context, dir string, r *GateReport) error {
	req, err := pipeline.VerdictRequest(r.Results[0], &r.Verdict)
	if err != nil {
		return err
	}
	if r.Parent != nil {
		req.Parent = r.Parent.Version
	}
	r.Registered, err = Register(ctx, dir, r.Candidate.Path, req)
	return err
}
