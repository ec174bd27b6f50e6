package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/refit-ml/refit/internal/hostile"
)

// hostileAddressSpace is the address-space limit of issue 14's
// reproductions (prlimit --as=4294967296), and hostileRSS the peak
// resident memory they may use.
const (
	hostileAddressSpace = 4 << 30
	hostileRSS          = 256 << 20
)

// TestHostileFiles runs issue 14's two reproductions as the refit command,
// each in its own process under a 4 GiB address-space limit: `refit cat
// --limit 5` and `refit profile` on an Arrow file with one changed byte
// (arrow-testing's generated_primitive_large_offsets.arrow_file, byte 410
// from 0x08 to 0x80, when REFIT_SHARED has it) and on a Parquet file of a
// few KiB whose pages of zeros decompress to 128 MiB each. Every run must
// end in a clean exit-2 error naming the file, with no Go runtime crash,
// and stay under 256 MiB of peak RSS.
func TestHostileFiles(t *testing.T) {
	t.Parallel()
	if args := os.Getenv("REFIT_TEST_HOSTILE_ARGS"); args != "" {
		runLimited(t, args)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux for RLIMIT_AS and the peak RSS of a child")
	}
	dir := t.TempDir()
	files := map[string]string{"parquet": filepath.Join(dir, "zeros.parquet")}
	writeZeroPages(t, files["parquet"])
	arrowFile := filepath.Join(sharedDir(t), "conformance", "arrow-testing", "integration", "generated_primitive_large_offsets.arrow_file")
	if b, err := os.ReadFile(arrowFile); err == nil && len(b) > 410 && b[410] == 0x08 {
		b[410] = 0x80
		files["arrow"] = filepath.Join(dir, "byte410.arrow_file")
		if err := os.WriteFile(files["arrow"], b, 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Logf("arrow reproduction skipped: %s not found", arrowFile)
	}
	for format, path := range files {
		for _, cmd := range [][]string{{"cat", "--limit", "5"}, {"profile"}} {
			t.Run(format+" "+cmd[0], func(t *testing.T) {
				code, stderr, rss := runChild(t, append(cmd, path))
				if code != exitError {
					t.Errorf("exit code %d, want %d", code, exitError)
				}
				for _, bad := range []string{"fatal error", "goroutine ", "panicked", "out of memory"} {
					if strings.Contains(stderr, bad) {
						t.Errorf("stderr has %q:\n%s", bad, stderr)
					}
				}
				if !strings.Contains(stderr, path) || !strings.Contains(stderr, "corrupt file") {
					t.Errorf("stderr does not name the file as corrupt:\n%s", stderr)
				}
				if rss > hostileRSS {
					t.Errorf("peak RSS %d MiB, want at most %d MiB", rss>>20, hostileRSS>>20)
				}
				t.Logf("exit %d, peak RSS %.1f MiB: %s", code, float64(rss)/(1<<20), strings.TrimSpace(stderr))
			})
		}
	}
}

// writeZeroPages writes issue 14's Parquet reproduction to path: 8 row
// groups of two INT64 columns of zeros, ZSTD, one 128 MiB page per chunk.
func writeZeroPages(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := (hostile.ZeroPages{}).Write(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// runChild runs refit with args in a child process (this test binary, which
// limits its own address space first) and returns its exit code, stderr and
// peak RSS in bytes. The child reports its peak RSS itself: the rusage of a
// child counts the parent's memory it shared until exec.
func runChild(t *testing.T, args []string) (int, string, int64) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	rssFile := filepath.Join(t.TempDir(), "rss")
	cmd := exec.Command(exe, "-test.run=^TestHostileFiles$")
	cmd.Env = append(os.Environ(), "REFIT_TEST_HOSTILE_ARGS="+string(enc), "REFIT_TEST_HOSTILE_RSS="+rssFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	b, err := os.ReadFile(rssFile)
	if err != nil {
		t.Fatalf("the child did not report its peak RSS (%v); stderr:\n%s", err, stderr.String())
	}
	rss, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String(), rss
}

// peakRSS is this process's peak resident set size in bytes (VmHWM).
func peakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}

// runLimited is the child: it limits its address space, runs refit with
// the arguments in REFIT_TEST_HOSTILE_ARGS and exits with refit's code.
func runLimited(t *testing.T, enc string) {
	var args []string
	if err := json.Unmarshal([]byte(enc), &args); err != nil {
		t.Fatal(err)
	}
	lim := syscall.Rlimit{Cur: hostileAddressSpace, Max: hostileAddressSpace}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
		t.Fatal(err)
	}
	code := run(context.Background(), args, &bytes.Buffer{}, os.Stderr)
	rss, err := peakRSS()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("REFIT_TEST_HOSTILE_RSS"), []byte(strconv.FormatInt(rss, 10)), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Exit(code)
}
