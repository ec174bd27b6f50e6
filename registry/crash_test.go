package registry

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash and concurrency tests re-execute the test binary as a child
// process running TestHelperProcess, selected by these variables.
const (
	envHelper = "REFIT_REGISTRY_HELPER" // "crash", "commit" or "promote"
	envDir    = "REFIT_REGISTRY_DIR"
	envArgs   = "REFIT_REGISTRY_ARGS" // comma-separated versions to promote
	envN      = "REFIT_REGISTRY_N"    // promotions for "promote"
)

// TestHelperProcess is not a test: it is the child process body.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(envHelper)
	if mode == "" {
		t.Skip("child process body for the crash and concurrency tests")
	}
	var err error
	switch mode {
	case "crash":
		err = helperCrash(os.Getenv(envDir))
	case "commit":
		err = helperCommit(os.Getenv(envDir))
	case "promote":
		n, _ := strconv.Atoi(os.Getenv(envN))
		err = helperPromote(os.Getenv(envDir), strings.Split(os.Getenv(envArgs), ","), n)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

// helperCrash registers and promotes until killed: mostly passed versions,
// every fourth a failed one promoted by force, every seventh a rollback.
func helperCrash(dir string) error {
	ctx := context.Background()
	r, err := Open(ctx, dir, Options{})
	if err != nil {
		return err
	}
	fmt.Println("ready")
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 1))
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	for i := 0; ; i++ {
		if err := crashStep(ctx, r, rng, src, i); err != nil {
			return err
		}
	}
}

func crashStep(ctx context.Context, r *Registry, rng *rand.Rand, src string, i int) error {
	files := map[string]string{}
	for _, name := range []string{"model.bin", "profile.json"} {
		b := make([]byte, 32<<10+rng.IntN(64<<10))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		p := filepath.Join(src, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		files[name] = p
	}
	gate, opts := GatePassed, PromoteOptions{Reason: "loop", Actor: "crash-child"}
	if i%4 == 3 {
		gate, opts.Force = GateFailed, true
	}
	v, err := r.Register(ctx, RegisterRequest{Gate: gate, Files: files})
	if err != nil {
		return err
	}
	fmt.Println("registered", v.ID)
	if err := r.Promote(ctx, v.ID, Champion, opts); err != nil {
		return err
	}
	fmt.Println("promoted", v.ID)
	if i%7 == 6 {
		if _, err := r.Rollback(ctx, Champion, RollbackOptions{Reason: "loop rollback"}); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// helperPromote promotes the given versions to champion in turn, n times.
func helperPromote(dir string, versions []string, n int) error {
	ctx := context.Background()
	r, err := Open(ctx, dir, Options{})
	if err != nil {
		return err
	}
	defer r.Close()
	fmt.Println("ready")
	// Wait for the parent's go signal so that both children promote at once.
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := r.Promote(ctx, versions[i%len(versions)], Champion, PromoteOptions{Actor: strconv.Itoa(os.Getpid())}); err != nil {
			return err
		}
		time.Sleep(200 * time.Microsecond) // let the other process take the lock

	}
	return nil
}

func helperCmd(t *testing.T, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestCrashDuringPromotion SIGKILLs a registering and promoting child at
// random points (seeded) and checks after every kill that the workspace is
// consistent and the champion resolves to complete, verified artifacts.
func TestCrashDuringPromotion(t *testing.T) {
	kills := 30
	if !testing.Short() {
		kills = 50
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 7))
	var versions, midway int
	for i := 0; i < kills; i++ {
		delay := time.Duration(rng.IntN(50_000)) * time.Microsecond
		if steps := runAndKill(t, dir, delay); steps > 0 {
			midway++
		}
		versions = checkAfterCrash(t, dir, i, versions)
	}
	staging, _ := filepath.Glob(filepath.Join(dir, "models", stagingPrefix+"*"))
	t.Logf("%d kills (%d after the child completed a step), %d versions registered, %d orphaned staging folders",
		kills, midway, versions, len(staging))
}

// runAndKill starts the crash child, waits until it is ready, lets it work
// for delay, SIGKILLs it and returns how many steps it reported done.
func runAndKill(t *testing.T, dir string, delay time.Duration) int {
	t.Helper()
	cmd := helperCmd(t, envHelper+"=crash", envDir+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "ready" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("child did not start: %q, %v", lines.Text(), lines.Err())
	}
	steps := make(chan int)
	go func() {
		n := 0
		for lines.Scan() {
			n++
		}
		steps <- n
	}()
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	n := <-steps // EOF: the child is gone; read everything before Wait
	if err := cmd.Wait(); err == nil {
		t.Fatal("child exited by itself")
	} else if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == 3 {
		t.Fatalf("child failed before the kill: %v", err)
	}
	return n
}

// checkAfterCrash opens the workspace, runs Check, resolves the champion and
// returns the number of versions (which must never shrink).
func checkAfterCrash(t *testing.T, dir string, i, before int) int {
	t.Helper()
	ctx := context.Background()
	r, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatalf("kill %d: open: %v", i, err)
	}
	defer r.Close()
	if err := r.Check(ctx); err != nil {
		t.Fatalf("kill %d: %v", i, err)
	}
	vs, err := r.List(ctx, Filter{})
	if err != nil || len(vs) < before {
		t.Fatalf("kill %d: %d versions (had %d), %v", i, len(vs), before, err)
	}
	v, err := r.Resolve(ctx, Champion)
	switch {
	case errors.Is(err, ErrNotFound) && len(vs) <= 1:
		// killed before the first promotion committed
	case err != nil:
		t.Fatalf("kill %d: champion: %v", i, err)
	case len(v.Artifacts) != 2:
		t.Fatalf("kill %d: champion %s has %d artifacts", i, v.ID, len(v.Artifacts))
	}
	return len(vs)
}

// TestConcurrentPromotion runs two processes promoting different versions to
// champion at once and checks every promotion is in the history, which is an
// unbroken chain (no lost update).
func TestConcurrentPromotion(t *testing.T) {
	const n = 100
	ctx := context.Background()
	dir := t.TempDir()
	r := openTest(t, dir)
	var ids []string
	for i := 0; i < 4; i++ {
		ids = append(ids, register(t, r, GatePassed, "").ID)
	}
	var cmds []*exec.Cmd
	var gos []io.WriteCloser
	for k := 0; k < 2; k++ {
		cmd := helperCmd(t, envHelper+"=promote", envDir+"="+dir, envN+"="+strconv.Itoa(n),
			envArgs+"="+ids[2*k]+","+ids[2*k+1])
		in, err1 := cmd.StdinPipe()
		out, err2 := cmd.StdoutPipe()
		if err := errors.Join(err1, err2, cmd.Start()); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("child did not start: %q, %v", line, err)
		}
		cmds, gos = append(cmds, cmd), append(gos, in)
	}
	for _, in := range gos {
		if _, err := io.WriteString(in, "go\n"); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	hist, err := r.History(ctx, Champion)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2*n {
		t.Fatalf("history has %d entries, want %d", len(hist), 2*n)
	}
	if err := r.Check(ctx); err != nil {
		t.Fatal(err)
	}
	switches := 0
	for i := 1; i < len(hist); i++ {
		if hist[i].Actor != hist[i-1].Actor {
			switches++
		}
	}
	t.Logf("%d promotions, writer switched %d times", len(hist), switches)
}
