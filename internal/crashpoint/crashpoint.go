// Package crashpoint lets crash tests kill a refit process right after one
// of its durable steps: a file fsynced, a rename, a directory fsynced, a
// catalog transaction committed. Each such step calls [Hit] with a name.
//
// Two environment variables, read once, drive it:
//
//	REFIT_CRASH_AFTER=N   the Nth hit kills the process with SIGKILL
//	REFIT_CRASH_TRACE=F   every hit appends "N name" to file F
//
// Without them Hit costs an atomic load. The kill is SIGKILL, so no
// deferred function, finalizer or buffered write runs: what is on disk is
// what a power cut or an OOM kill at that instant leaves.
package crashpoint

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

// Environment variables.
const (
	EnvAfter = "REFIT_CRASH_AFTER"
	EnvTrace = "REFIT_CRASH_TRACE"
)

var (
	once    sync.Once
	enabled atomic.Bool
	hits    atomic.Int64
	after   int64
	traceMu sync.Mutex
	trace   *os.File
)

func setup() {
	if n, err := strconv.ParseInt(os.Getenv(EnvAfter), 10, 64); err == nil && n > 0 {
		after = n
		enabled.Store(true)
	}
	if path := os.Getenv(EnvTrace); path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err == nil {
			trace = f
			enabled.Store(true)
		}
	}
}

// Hit marks a durable step named name. It kills the process when it is the
// REFIT_CRASH_AFTER-th hit.
func Hit(name string) {
	once.Do(setup)
	if !enabled.Load() {
		return
	}
	n := hits.Add(1)
	if trace != nil {
		traceMu.Lock()
		fmt.Fprintf(trace, "%d %s\n", n, name)
		traceMu.Unlock()
	}
	if n == after {
		kill()
	}
}

// kill sends SIGKILL (TerminateProcess on Windows) to the process itself
// and waits for it.
func kill() {
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		_ = p.Kill()
	}
	select {} // the signal is on its way
}
