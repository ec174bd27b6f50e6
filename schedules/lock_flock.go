//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package schedules

import (
	"errors"
	"os"
	"syscall"
)

// releasedOnExit says the kernel drops the lock when its holder dies.
const releasedOnExit = true

// lockFile opens path and takes an exclusive flock on it without waiting.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, err
	}
	return f, nil
}

// unlockFile releases the flock and closes the file; the file stays, so
// every process locks the same inode.
func unlockFile(f *os.File) error {
	err := flock(f, syscall.LOCK_UN)
	return errors.Join(err, f.Close())
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}
