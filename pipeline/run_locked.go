package pipeline

import (
	"context"
	"log/slog"

	"github.com/refit-ml/refit/workspace"
)

// RunLocked is Run holding the workspace lock (refit.lock), as `refit run`
// does so that it never overlaps a job of `refit serve`: a workspace
// locked by another process is an error, and nothing runs. A failure to
// release the lock is logged on opts.Logger.
func RunLocked(ctx context.Context, cfg *Config, opts Options) (*Record, error) {
	release, err := workspace.Dir(cfg.Path(cfg.Workspace)).TryLock()
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := release(); err != nil {
			log := opts.Logger
			if log == nil {
				log = slog.Default()
			}
			log.Error("workspace unlock", "err", err)
		}
	}()
	return Run(ctx, cfg, opts)
}
