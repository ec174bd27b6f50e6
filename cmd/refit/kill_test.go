package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/crashpoint"
	"github.com/refit-ml/refit/model"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/pipeline/demo"
	"github.com/refit-ml/refit/registry"
)

// envAsRefit makes the test binary run as refit: TestMain hands its
// arguments to run, so the kill test needs no separate build.
const envAsRefit = "REFIT_TEST_AS_REFIT"

func TestMain(m *testing.M) {
	if os.Getenv(envAsRefit) == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// killConfig is a small, quick pipeline: no latency gate, so its
// decisions do not depend on the machine's load.
const killConfig = `workspace: workspace
data:
  source: %s
  time_column: ts
coverage:
  min_rows: 100
drift: {metric: psi, warn: 0.1, alert: 0.25}
train:
  label: delay > 15
  features: [distance, weight, carrier, region]
  window: 45d
  hidden: [16, 8]
  epochs: 8
  batch_size: 256
  learning_rate: 0.003
  patience: 3
  seed: 7
optimize:
  prune: {sparsity: 0.5, finetune_epochs: 1}
  quantize: {bits: 8}
  max_metric_drop: 0.02
evaluate:
  holdout: 0.15
  gates:
    - {metric: auc, min: 0.6}
`

// killClock is the clock of the run under test: a month of drifted data
// is new, so it retrains, registers and promotes.
const killClock = "2024-03-01"

// TestKillRun kills the whole `refit run`, as a child process, after each
// of its durable steps (every fsync, rename and catalog commit, through
// internal/crashpoint) and at random instants, then starts it again and
// checks, after every kill:
//
//   - the champion is loadable right after the kill (before any repair);
//   - after the next start no run is left "running", and interrupted runs
//     carry their finish time;
//   - no double processing: the new month is consumed by exactly one run,
//     the champion is promoted exactly once, and a third run finds no new
//     data;
//   - the champion has the weights an uninterrupted run trains;
//   - no temporary state is left: tmp/, staging folders, writes' temp
//     files, model folders without a row, or anything in $TMPDIR.
//
// -short kills at 3 instants; the default at 12; REFIT_BIG_TESTS=1 after
// every durable step and at 100 random instants (BENCHMARKS.md, issue 14).
func TestKillRun(t *testing.T) {
	t.Parallel()
	k := newKillBench(t)
	points, randoms := k.plan()
	var stats killStats
	for _, n := range points {
		t.Run(fmt.Sprintf("after %d %s", n, k.points[n-1]), func(t *testing.T) {
			stats.add(k.trial(t, killAt{point: n}))
		})
	}
	rng := rand.New(rand.NewPCG(14, 14))
	for i := range randoms {
		d := time.Duration(rng.Int64N(int64(k.duration) * 12 / 10))
		t.Run(fmt.Sprintf("at %d %s", i, d.Round(time.Millisecond)), func(t *testing.T) {
			stats.add(k.trial(t, killAt{delay: d}))
		})
	}
	t.Logf("kill test: %d durable steps in a run of %s; %d kills after a step, %d at random instants: %s",
		len(k.points), k.duration.Round(time.Millisecond), len(points), randoms, stats)
}

// killBench is the kill test's fixture: a workspace whose champion was
// trained on January, with February's drifted month waiting.
type killBench struct {
	t        *testing.T
	dir      string   // data/, base/ (refit.yaml and workspace/)
	points   []string // the durable steps of an uninterrupted run, in order
	duration time.Duration
	weights  string // digest of the champion's tensors after an uninterrupted run
}

func newKillBench(t *testing.T) *killBench {
	k := &killBench{t: t, dir: t.TempDir()}
	data := filepath.Join(k.dir, "data")
	if _, err := demo.WriteMonth(data, demo.Start, demo.Stable, 1500, 7); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(k.dir, "base")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "refit.yaml"), fmt.Appendf(nil, killConfig, data), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := k.refit(base, nil, "run", "--config", filepath.Join(base, "refit.yaml"), "--now", "2024-02-01"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, out)
	}
	if _, err := demo.WriteMonth(data, demo.Start.AddDate(0, 1, 0), demo.Drift, 1500, 7); err != nil {
		t.Fatal(err)
	}
	k.reference()
	return k
}

// reference runs the pipeline once without a kill, tracing its durable
// steps, and keeps its duration and its champion's weights.
func (k *killBench) reference() {
	t := k.t
	dir := k.copyBase()
	trace := filepath.Join(dir, "trace")
	start := time.Now()
	out, code := k.refit(dir, []string{crashpoint.EnvTrace + "=" + trace}, k.runArgs(dir)...)
	k.duration = time.Since(start)
	if code != 0 || !strings.Contains(out, ": promoted") {
		t.Fatalf("reference run: exit %d: %s", code, out)
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		_, name, _ := strings.Cut(line, " ")
		k.points = append(k.points, name)
	}
	k.weights = championWeights(t, filepath.Join(dir, "workspace"))
}

// plan picks the durable steps to kill after and the number of random
// instants.
func (k *killBench) plan() (points []int, randoms int) {
	all := make([]int, len(k.points))
	for i := range all {
		all[i] = i + 1
	}
	switch {
	case os.Getenv("REFIT_BIG_TESTS") == "1" && !testing.Short():
		return all, 100
	case testing.Short():
		// The candidate's rename into models/, and the run's commit.
		return []int{k.point("rename staging to"), len(k.points)}, 1
	}
	return []int{1, k.point("rename staging to"), k.point("sync dir models"), len(k.points) - 3, len(k.points) - 1, len(k.points)}, 6
}

// point is the number of the first durable step whose name starts so.
func (k *killBench) point(prefix string) int {
	i := slices.IndexFunc(k.points, func(p string) bool { return strings.HasPrefix(p, prefix) })
	if i < 0 {
		k.t.Fatalf("no durable step %q in %v", prefix, k.points)
	}
	return i + 1
}

func (k *killBench) runArgs(dir string) []string {
	return []string{"run", "--config", filepath.Join(dir, "refit.yaml"), "--now", killClock, "--format", "json"}
}

// copyBase copies base/ (configuration and workspace) into a new folder.
func (k *killBench) copyBase() string {
	dir := k.t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(k.dir, "base"))); err != nil {
		k.t.Fatal(err)
	}
	return dir
}

// refit runs the test binary as refit in dir with env added, and returns
// its standard output (with its standard error when it failed) and exit
// code.
func (k *killBench) refit(dir string, env []string, args ...string) (string, int) {
	cmd := k.command(dir, env, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		k.t.Fatal(err)
	}
	if code != 0 {
		return string(out) + stderr.String(), code
	}
	return string(out), code
}

func (k *killBench) command(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{envAsRefit + "=1", "TMPDIR=" + filepath.Join(dir, "systmp")}, env...)...)
	return cmd
}

// killAt is one kill: after the point-th durable step, or delay after the
// start.
type killAt struct {
	point int
	delay time.Duration
}

// killResult is what one trial saw.
type killResult struct {
	killed      bool   // the child died by the kill (not completed first)
	committed   bool   // the killed run had committed before it died
	interrupted int    // runs the next start closed as interrupted
	restart     string // the next run's outcome
}

// trial kills one run and checks the workspace after it and after the next
// start.
func (k *killBench) trial(t *testing.T, at killAt) killResult {
	dir := k.copyBase()
	if err := os.MkdirAll(filepath.Join(dir, "systmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(dir, "workspace")
	var res killResult
	res.killed = k.kill(t, dir, at)
	checkChampionLoads(t, ws)
	res.committed = runsAfterBase(t, ws, registry.RunSucceeded) == 1
	out, code := k.refit(dir, nil, k.runArgs(dir)...)
	if code != 0 {
		t.Fatalf("restart: exit %d: %s", code, out)
	}
	res.restart = outcomeOf(t, out)
	res.interrupted = runsAfterBase(t, ws, registry.RunInterrupted)
	out, code = k.refit(dir, nil, k.runArgs(dir)...)
	if code != 0 || outcomeOf(t, out) != string(pipeline.OutcomeNoData) {
		t.Fatalf("third run: exit %d: %s (the new month was processed again)", code, out)
	}
	k.checkAfterRestart(t, dir)
	return res
}

// kill runs refit and kills it; it returns false when the run completed
// before the kill.
func (k *killBench) kill(t *testing.T, dir string, at killAt) bool {
	var env []string
	if at.point > 0 {
		env = []string{fmt.Sprintf("%s=%d", crashpoint.EnvAfter, at.point)}
	}
	cmd := k.command(dir, env, k.runArgs(dir)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if at.point == 0 {
		timer := time.AfterFunc(at.delay, func() { _ = cmd.Process.Kill() })
		defer timer.Stop()
	}
	err := cmd.Wait()
	ee := (*exec.ExitError)(nil)
	switch {
	case err == nil:
		if at.point > 0 {
			t.Fatalf("the run was not killed after step %d", at.point)
		}
		return false
	case errors.As(err, &ee) && ee.ExitCode() == -1:
		return true
	}
	t.Fatalf("the run failed before its kill: %v", err)
	return false
}

// checkChampionLoads checks the champion resolves, with verified
// artifacts, to a model that loads.
func checkChampionLoads(t *testing.T, ws string) {
	t.Helper()
	ctx := context.Background()
	reg, err := registry.Open(ctx, ws, registry.Options{})
	if err != nil {
		t.Fatalf("after the kill: %v", err)
	}
	defer reg.Close()
	v, err := reg.Resolve(ctx, registry.Champion)
	if err != nil {
		t.Fatalf("after the kill: champion: %v", err)
	}
	a, _ := v.Artifact(registry.ModelArtifact)
	if _, err := model.Load(a.Path); err != nil {
		t.Fatalf("after the kill: champion %s: %v", v.ID, err)
	}
}

// runsAfterBase counts the runs after the base's first with the status.
func runsAfterBase(t *testing.T, ws, status string) int {
	t.Helper()
	n := 0
	for _, r := range catalogRuns(t, ws)[1:] {
		if r.Status == status {
			n++
		}
	}
	return n
}

func catalogRuns(t *testing.T, ws string) []registry.Run {
	t.Helper()
	reg, err := registry.Open(context.Background(), ws, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	runs, err := reg.Runs(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func outcomeOf(t *testing.T, out string) string {
	t.Helper()
	var rec pipeline.Record
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&rec); err != nil {
		t.Fatalf("run output: %v: %s", err, out)
	}
	return string(rec.Outcome)
}

// checkAfterRestart checks the invariants once the killed run's workspace
// has been started again (twice).
func (k *killBench) checkAfterRestart(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	ws := filepath.Join(dir, "workspace")
	consumers := 0
	for _, r := range catalogRuns(t, ws) {
		switch {
		case r.Status == registry.RunRunning:
			t.Errorf("run %s left running", r.ID)
		case r.Finished.IsZero():
			t.Errorf("run %s (%s) has no finish time", r.ID, r.Status)
		}
		switch pipeline.Outcome(r.Outcome) {
		case pipeline.OutcomePromoted, pipeline.OutcomeKept, pipeline.OutcomeRejected, pipeline.OutcomeNotPromoted:
			consumers++
		}
	}
	if consumers != 2 {
		t.Errorf("%d runs consumed new data, want 2 (the base's and one for the new month)", consumers)
	}
	reg, err := registry.Open(ctx, ws, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if err := reg.Check(ctx); err != nil {
		t.Error(err)
	}
	hist, err := reg.History(ctx, registry.Champion)
	if err != nil || len(hist) != 2 {
		t.Errorf("champion history %+v, %v: want two promotions (the base's and the new month's)", hist, err)
	}
	if got := championWeights(t, ws); got != k.weights {
		t.Errorf("champion weights %s, an uninterrupted run trains %s", got, k.weights)
	}
	checkNoTemp(t, reg, dir)
}

// checkNoTemp checks no temporary state is left in the workspace or in
// the run's $TMPDIR.
func checkNoTemp(t *testing.T, reg *registry.Registry, dir string) {
	t.Helper()
	ws := filepath.Join(dir, "workspace")
	var left []string
	err := filepath.WalkDir(ws, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(ws, path)
		name := d.Name()
		switch {
		case strings.HasPrefix(name, ".staging-"), strings.Contains(name, ".tmp-"), filepath.Dir(rel) == "tmp":
			left = append(left, rel)
		case filepath.Dir(rel) == "models" && d.IsDir():
			if _, err := reg.Get(context.Background(), name); err != nil {
				left = append(left, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sys, _ := os.ReadDir(filepath.Join(dir, "systmp")); len(sys) > 0 {
		left = append(left, "$TMPDIR/"+sys[0].Name())
	}
	if len(left) > 0 {
		t.Errorf("temporary state left: %v", left)
	}
}

// championWeights is the SHA-256 of the champion's tensor bytes: the
// safetensors data after the header, which, unlike the file, does not
// name the run that trained it.
func championWeights(t *testing.T, ws string) string {
	t.Helper()
	reg, err := registry.Open(context.Background(), ws, registry.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	v, err := reg.Resolve(context.Background(), registry.Champion)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := v.Artifact(registry.ModelArtifact)
	f, err := os.Open(a.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Discard(int(binary.LittleEndian.Uint64(n[:]))); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// killStats sums the trials.
type killStats struct {
	trials, killed, committed, interrupted int
	restarts                               map[string]int
}

func (s *killStats) add(r killResult) {
	s.trials++
	if s.restarts == nil {
		s.restarts = map[string]int{}
	}
	if r.killed {
		s.killed++
	}
	if r.killed && r.committed {
		s.committed++
	}
	s.interrupted += r.interrupted
	s.restarts[r.restart]++
}

func (s killStats) String() string {
	var rs []string
	for _, k := range slices.Sorted(maps.Keys(s.restarts)) {
		rs = append(rs, fmt.Sprintf("%s %d", k, s.restarts[k]))
	}
	return fmt.Sprintf("%d trials, %d killed (%d after their commit), %d runs closed as interrupted; the next run: %s",
		s.trials, s.killed, s.committed, s.interrupted, strings.Join(rs, ", "))
}
