package schedules

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestFileLockTwoHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "refit.lock")
	a, b := NewFileLock(path), NewFileLock(path)
	if err := a.TryLock(); err != nil {
		t.Fatal(err)
	}
	err := b.TryLock()
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second handle: %v, want ErrLocked naming pid %d", err, os.Getpid())
	}
	if err := a.TryLock(); !errors.Is(err, ErrLocked) {
		t.Errorf("relock: %v, want ErrLocked", err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := b.TryLock(); err != nil {
		t.Errorf("after unlock: %v", err)
	}
	if err := b.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := b.Unlock(); err == nil {
		t.Error("second Unlock succeeded")
	}
}

// TestFileLockOtherProcess holds the lock in a child process (this test
// binary again) and checks that the parent is refused while the child
// lives and gets the lock once the child is killed without unlocking.
func TestFileLockOtherProcess(t *testing.T) {
	if path := os.Getenv("REFIT_TEST_LOCK_CHILD"); path != "" {
		holdLock(path)
		return
	}
	if !releasedOnExit {
		t.Skip("lock files are not released by the kernel on this platform")
	}
	path := filepath.Join(t.TempDir(), "refit.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileLockOtherProcess$")
	cmd.Env = append(os.Environ(), "REFIT_TEST_LOCK_CHILD="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v", line, err)
	}
	l := NewFileLock(path)
	err = l.TryLock()
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(cmd.Process.Pid)) {
		t.Errorf("while the child holds it: %v, want ErrLocked naming pid %d", err, cmd.Process.Pid)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if err := l.TryLock(); err != nil {
		t.Errorf("after the child died: %v", err)
	}
	_ = l.Unlock()
}

// holdLock takes the lock, says so, and holds it until stdin closes.
func holdLock(path string) {
	l := NewFileLock(path)
	if err := l.TryLock(); err != nil {
		os.Stdout.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
