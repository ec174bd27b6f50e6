package pipeline

import (
	"context"
	"testing"

	"github.com/refit-ml/refit/workspace"
)

// TestRunLockedRefuses: a workspace locked by another holder is an error
// before anything runs.
func TestRunLockedRefuses(t *testing.T) {
	cfg := &Config{Workspace: t.TempDir()}
	release, err := workspace.Dir(cfg.Path(cfg.Workspace)).TryLock()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if rec, err := RunLocked(context.Background(), cfg, Options{}); err == nil || rec != nil {
		t.Errorf("RunLocked on a locked workspace: %v, %v", rec, err)
	}
}
