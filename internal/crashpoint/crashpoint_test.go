package crashpoint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelperKill is the child body of TestKillAfter.
func TestHelperKill(t *testing.T) {
	if os.Getenv(EnvAfter) == "" {
		t.Skip("child process body for TestKillAfter")
	}
	for _, name := range []string{"one", "two", "three", "four"} {
		Hit(name)
	}
	os.Exit(0)
}

// TestKillAfter runs a child that hits four points with
// REFIT_CRASH_AFTER=3 and checks it dies by SIGKILL at the third, having
// traced exactly three hits.
func TestKillAfter(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), EnvAfter+"=3", EnvTrace+"="+trace)
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != -1 {
		t.Fatalf("child: %v, want death by signal", err)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(data)); got != "1 one\n2 two\n3 three" {
		t.Errorf("trace %q", got)
	}
}

// TestHitDisabled checks Hit is a no-op without the variables.
func TestHitDisabled(t *testing.T) {
	if os.Getenv(EnvAfter) != "" || os.Getenv(EnvTrace) != "" {
		t.Skip("crash variables set")
	}
	Hit("x")
	if hits.Load() != 0 {
		t.Errorf("hits counted while disabled: %d", hits.Load())
	}
}
