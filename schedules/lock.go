package schedules

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// ErrLocked is returned by a Locker held by another process.
var ErrLocked = errors.New("workspace locked by another refit process")

// Locker excludes other processes while a job runs. TryLock does not wait:
// it returns an error wrapping ErrLocked when another holder has it.
type Locker interface {
	TryLock() error
	Unlock() error
}

// FileLock is a Locker on a file, such as <workspace>/refit.lock. On
// Linux, the BSDs and macOS it is an flock(2) lock, which the kernel
// releases when the holding process dies, so a crash never leaves a stale
// lock; elsewhere it is a file created exclusively that a crashed process
// leaves behind (the error names it and its pid). The file holds the
// holder's pid, for the error message. A FileLock is safe for concurrent
// use; holding it twice from one FileLock fails with ErrLocked.
type FileLock struct {
	path string
	mu   sync.Mutex
	f    *os.File // nil when not held
}

// NewFileLock returns an unheld lock on path; the file is created on the
// first TryLock.
func NewFileLock(path string) *FileLock { return &FileLock{path: path} }

// Path returns the lock file's path.
func (l *FileLock) Path() string { return l.path }

// TryLock takes the lock or fails at once.
func (l *FileLock) TryLock() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		return fmt.Errorf("%w: %s is already held by this process", ErrLocked, l.path)
	}
	f, err := lockFile(l.path)
	if errors.Is(err, ErrLocked) {
		return fmt.Errorf("%w: %s is held by pid %s", ErrLocked, l.path, holder(l.path))
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	if err := writePid(f); err != nil {
		_ = unlockFile(f)
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	l.f = f
	return nil
}

// Unlock releases the lock; it is an error if it is not held.
func (l *FileLock) Unlock() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return fmt.Errorf("unlock %s: not held", l.path)
	}
	err := unlockFile(l.f)
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlock %s: %w", l.path, err)
	}
	return nil
}

func writePid(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// holder is the pid written in the lock file, or "unknown".
func holder(path string) string {
	data, err := os.ReadFile(path)
	if pid := strings.TrimSpace(string(data)); err == nil && pid != "" {
		return pid
	}
	return "unknown"
}
