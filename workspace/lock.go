package workspace

import (
	"fmt"
	"os"
)

// TryLock creates the workspace directory if needed and takes its lock
// without waiting: an error when another process holds it. It returns the
// lock's release.
func (d Dir) TryLock() (release func() error, err error) {
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return nil, fmt.Errorf("workspace %s: %w", string(d), err)
	}
	l := d.Lock()
	if err := l.TryLock(); err != nil {
		return nil, err
	}
	return l.Unlock, nil
}
