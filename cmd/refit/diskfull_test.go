//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/refit-ml/refit/registry"
)

// mountSmall mounts a tmpfs of size bytes at a new folder and returns it;
// it skips the test where mounting is not allowed (not root, or a
// container without the capability).
func mountSmall(t *testing.T, size int64) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a small file system here (%v: %s): the disk-full test needs root", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	return dir
}

// fill leaves free bytes free on dir's file system.
func fill(t *testing.T, dir string, free int64) {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	avail := int64(st.Bavail) * st.Bsize
	if err := os.WriteFile(filepath.Join(dir, "filler"), make([]byte, max(avail-free, 0)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiskFull runs the pipeline on a workspace whose file system is all
// but full (issue 14): a run fails before it promotes, says "no space left
// on device in WORKSPACE" and leaves the champion; with nothing free, the
// read-only commands still answer.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("mounts file systems and trains: not in -short")
	}
	k := newKillBench(t)
	for _, free := range []int64{0, 100 << 10, 400 << 10} {
		t.Run(fmt.Sprintf("free %dKiB", free>>10), func(t *testing.T) {
			mnt := mountSmall(t, 8<<20)
			ws := filepath.Join(mnt, "workspace")
			if err := os.CopyFS(ws, os.DirFS(filepath.Join(k.dir, "base", "workspace"))); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(t.TempDir(), "refit.yaml")
			if err := os.WriteFile(cfg, fmt.Appendf(nil, strings.Replace(killConfig, "workspace: workspace", "workspace: "+ws, 1), filepath.Join(k.dir, "data")), 0o644); err != nil {
				t.Fatal(err)
			}
			fill(t, mnt, free)
			var stdout, stderr strings.Builder
			code := run(context.Background(), []string{"run", "--config", cfg, "--now", killClock}, &stdout, &stderr)
			out := stdout.String() + stderr.String()
			if code != exitError || !strings.Contains(out, "no space left on device in "+ws) {
				t.Errorf("run: exit %d, want 2 naming the workspace:\n%s", code, out)
			}
			if strings.Contains(out, "-> v0002") {
				t.Errorf("the run promoted:\n%s", out)
			}
			for _, args := range [][]string{{"models", "list"}, {"runs", "list"}, {"models", "show", "champion"}} {
				stdout.Reset()
				stderr.Reset()
				if code := run(context.Background(), append(args, "--workspace", ws), &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "v0001") {
					t.Errorf("%v on a full disk: exit %d: %s%s", args, code, stdout.String(), stderr.String())
				}
			}
			reg, err := registry.Open(context.Background(), ws, registry.Options{MustExist: true})
			if err != nil {
				t.Fatal(err)
			}
			defer reg.Close()
			if v, err := reg.Target(context.Background(), registry.Champion); err != nil || v != "v0001" {
				t.Errorf("champion %s, %v", v, err)
			}
		})
	}
}
