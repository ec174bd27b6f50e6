package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestZoneDataEmbedded runs `refit schedule next` on a CRON_TZ spec with
// the system's zoneinfo database hidden, as in a minimal container: the
// zone must come from the copy embedded in the binary. The test binary
// re-runs itself in a mount namespace (unshare(1)) where tmpfs covers the
// database's directories; it is skipped where that namespace cannot be
// made (not Linux, no unshare, not allowed to mount).
func TestZoneDataEmbedded(t *testing.T) {
	t.Parallel()
	if os.Getenv("REFIT_TEST_HIDDEN_ZONEINFO") == "1" {
		scheduleNextWithoutZoneinfo(t)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux mount namespaces")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare: ", err)
	}
	ns := []string{"-m", "--propagation", "private"}
	if out, err := exec.Command(unshare, append(ns, "mount", "-t", "tmpfs", "none", t.TempDir())...).CombinedOutput(); err != nil {
		t.Skipf("cannot mount in a new namespace: %v: %s", err, out)
	}
	var hide string
	for _, dir := range zoneinfoDirs {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			hide += "mount -t tmpfs none " + dir + " && "
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, append(ns, "sh", "-c", hide+`exec "$0" -test.run='^TestZoneDataEmbedded$' -test.v`, exe)...)
	// The time package also reads $GOROOT/lib/time/zoneinfo.zip, which a
	// machine with a Go toolchain has and a container does not: GOROOT
	// names an empty directory.
	cmd.Env = append(os.Environ(), "REFIT_TEST_HIDDEN_ZONEINFO=1", "ZONEINFO=", "GOROOT="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestZoneDataEmbedded") {
		t.Fatalf("without a zoneinfo database: %v\n%s", err, out)
	}
}

// zoneinfoDirs are where the time package looks for the zoneinfo database
// on Unix systems before its embedded copy.
var zoneinfoDirs = []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"}

// scheduleNextWithoutZoneinfo is the re-run test: the database is gone and
// the command still prints New York times.
func scheduleNextWithoutZoneinfo(t *testing.T) {
	for _, dir := range zoneinfoDirs {
		if _, err := os.Stat(filepath.Join(dir, "America", "New_York")); err == nil {
			t.Fatalf("%s still holds the zoneinfo database", dir)
		}
	}
	zip := filepath.Join(os.Getenv("GOROOT"), "lib", "time", "zoneinfo.zip")
	if _, err := os.Stat(zip); err == nil {
		t.Fatalf("%s is still there", zip)
	}
	path := filepath.Join(t.TempDir(), "refit.yaml")
	cfg := "data: {source: data, time_column: ts}\ntrain: {label: y, features: [x]}\nworkspace: ws\n" +
		"schedules:\n  - {name: s, cron: \"CRON_TZ=America/New_York 0 6 * * *\", job: run}\n"
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"schedule", "next", "--config", path, "--count", "1", "--now", "2026-11-24T12:00:00Z"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := "2026-11-25T06:00:00-05:00  Wed"; !strings.Contains(stdout.String(), want) {
		t.Errorf("output %q lacks %q", stdout.String(), want)
	}
}
