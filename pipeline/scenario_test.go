package pipeline_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/pipeline/demo"
	"github.com/refit-ml/refit/registry"
)

// TestScenarios runs the data-driven scenarios of testdata/runs/*.txt, one
// per decision branch of a run. A scenario is a list of commands, one per
// line ('#' starts a comment):
//
//	config KEY: FLOW-YAML    replace the demo config's top-level KEY
//	month KIND [rows=N] [unlabelled]  the next month's data (stable, drift,
//	                         incident, concept); unlabelled: without its
//	                         label column (labels not arrived)
//	run [force] [during CMD] refit run at the start of the following month;
//	                         with during, CMD (rollback, promote ...) runs
//	                         after the run wrote its record, before its commit
//	outcome O                the last run's outcome
//	reasons contain "TEXT"   a reason of the last run contains TEXT
//	reasons lack "TEXT"      no reason of the last run contains TEXT
//	trigger CAUSE fired|held the last run has a trigger of CAUSE that fired
//	                         (held: was recorded but held back)
//	no trigger CAUSE         the last run has no trigger of CAUSE
//	evidence CAUSE FEATURE   the trigger of CAUSE names FEATURE past its threshold
//	drift FEATURE VERDICT    the last run's drift report has FEATURE with VERDICT
//	finding "PROBLEM" SLICE  the last run's coverage has a finding of PROBLEM on SLICE
//	profile COLUMN           the last run's record profiles COLUMN of the new data
//	coverage SLICE           the last run's coverage counted SLICE
//	monitor SOURCE           the last run's monitor decided on the realized
//	                         or estimated metric; both: it recorded both
//	cost FEATURE             the last run estimated FEATURE's drift cost
//	trained yes|no           whether the last run trained a candidate
//	champion VERSION|none    the champion after the last command
//	promote VERSION force    force-promote a version (refit promote --force)
//	rollback                 move the champion back (refit rollback)
//	kill run                 leave what a run killed before its commit
//	                         leaves: a running run with a pending candidate,
//	                         a run.json claiming a promotion, and temporary
//	                         files (tmp/, a dead process's staging folder, a
//	                         model folder with no row, a write's temp file)
//	status RUN STATUS [OUTCOME]  the catalog's status (and outcome) of RUN
//	version VERSION STATE    the catalog's state of VERSION
//	record RUN OUTCOME       RUN's run.json says OUTCOME; "none": RUN has no
//	                         folder (no run.json, no report)
//	runs N [FIRST]           the catalog holds N runs, the oldest FIRST
//	temp none                no temporary file or folder in the workspace
//	stray PATH "TEXT"        write a file that is not data under the scenario
//	                         folder (data/...)
//	skipped NAME...          the last run skipped exactly these files (base
//	                         names), in order
//	quarantine PATH "REASON" quarantine a file (refit quarantine)
//	release PATH             lift its quarantine (refit quarantine release)
//	lose catalog             delete the workspace's catalog.db
//	rebuild catalog [V]      refit catalog rebuild [--champion V]
//	new files N              the last run read N new files
//	fail run "TEXT"          refit run fails with an error containing TEXT
//	hook N ok|failed ["TEXT"] the last run's Nth on_promote hook (from 0)
//	                         succeeded, or failed with an error containing TEXT
//	hooks none               the last run called no hook
//	file PATH "TEXT"         the file PATH (under the scenario folder)
//	                         contains TEXT
//
// The data come from the demo's generator (pipeline/demo), seeded, so a
// scenario's decisions are the same on every run.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "runs", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runScenario(t, file)
		})
	}
}

// scenario is the state of one scenario file.
type scenario struct {
	t       *testing.T
	dir     string
	config  string
	months  int // written so far
	last    *pipeline.Record
	lastErr error
	start   time.Time
}

func runScenario(t *testing.T, file string) {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := &scenario{t: t, dir: t.TempDir(), config: demo.ConfigYAML(), start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") {
			continue
		}
		if text == "" {
			continue
		}
		if err := s.do(text); err != nil {
			t.Fatalf("%s:%d: %s: %v", file, line, text, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func (s *scenario) do(line string) error {
	cmd, rest, _ := strings.Cut(line, " ")
	switch cmd {
	case "config":
		return s.setConfig(rest)
	case "month":
		return s.month(rest)
	case "run":
		return s.run(rest)
	case "outcome":
		return s.expect(s.last != nil && s.last.Outcome == pipeline.Outcome(rest), "outcome %s", s.outcome())
	case "reasons":
		return s.reasons(rest)
	case "trigger", "no":
		return s.trigger(line)
	case "evidence":
		return s.evidence(rest)
	case "drift":
		return s.driftFeature(rest)
	case "finding":
		return s.finding(rest)
	case "profile":
		return s.profiled(rest)
	case "coverage":
		return s.covered(rest)
	case "monitor":
		return s.monitorSource(rest)
	case "cost":
		if s.last == nil {
			return fmt.Errorf("no run yet")
		}
		for _, e := range s.last.DriftCost {
			if e.Feature == rest && e.Metric != "" && e.Change == e.Change {
				return nil
			}
		}
		return fmt.Errorf("got drift cost %+v", s.last.DriftCost)
	case "trained":
		trained := s.last != nil && s.last.Training != nil
		return s.expect(trained == (rest == "yes"), "trained: %v", trained)
	case "champion":
		return s.champion(rest)
	case "promote":
		return s.promote(rest)
	case "kill":
		return s.killRun()
	case "status":
		return s.runStatus(rest)
	case "version":
		return s.versionState(rest)
	case "record":
		return s.recordOutcome(rest)
	case "runs":
		return s.runCount(strings.Fields(rest))
	case "temp":
		return s.noTemp()
	case "stray":
		return s.stray(rest)
	case "skipped":
		return s.skipped(strings.Fields(rest))
	case "quarantine":
		path, quoted, _ := strings.Cut(rest, " ")
		reason, err := strconv.Unquote(quoted)
		if err != nil {
			return fmt.Errorf("want quarantine PATH \"REASON\"")
		}
		return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
			_, err := reg.Quarantine(ctx, filepath.Join(s.dir, path), reason, "scenario")
			return err
		})
	case "release":
		return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
			_, err := reg.Release(ctx, filepath.Join(s.dir, rest), "scenario")
			return err
		})
	case "rebuild":
		_, champ, _ := strings.Cut(rest, " ")
		_, err := pipeline.RebuildCatalog(context.Background(), s.workspace(), champ)
		return err
	case "new":
		n := 0
		if s.last != nil {
			n = len(s.last.NewFiles)
		}
		return s.expect(rest == fmt.Sprintf("files %d", n), "%d new files", n)
	case "lose":
		return os.Remove(filepath.Join(s.workspace(), "catalog.db"))
	case "fail":
		return s.failRun(rest)
	case "hook", "hooks":
		return s.hook(line)
	case "file":
		return s.fileContains(rest)
	case "rollback":
		return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
			_, err := reg.Rollback(ctx, "champion", registry.RollbackOptions{Reason: "scenario"})
			return err
		})
	}
	return fmt.Errorf("unknown command %q", cmd)
}

func (s *scenario) outcome() string {
	if s.last == nil {
		return "(no run yet)"
	}
	return fmt.Sprintf("%s (reasons %q, error %v)", s.last.Outcome, s.last.Reasons, s.lastErr)
}

func (s *scenario) expect(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf("got "+format, args...)
}

// setConfig replaces the block of a top-level key with "key: flow".
func (s *scenario) setConfig(kv string) error {
	key, _, ok := strings.Cut(kv, ":")
	if !ok {
		return fmt.Errorf("want KEY: VALUE")
	}
	var out []string
	skipping, found := false, false
	for _, l := range strings.Split(s.config, "\n") {
		top := l != "" && l[0] != ' ' && l[0] != '#'
		if top {
			skipping = strings.HasPrefix(l, key+":")
			if skipping && !found {
				out, found = append(out, kv), true
			}
		}
		if !skipping {
			out = append(out, l)
		}
	}
	if !found {
		out = append(out, kv)
	}
	s.config = strings.Join(out, "\n")
	return nil
}

func (s *scenario) month(args string) error {
	f := strings.Fields(args)
	kind, rows, write := f[0], 3000, demo.WriteMonth
	for _, opt := range f[1:] {
		if n, ok := strings.CutPrefix(opt, "rows="); ok {
			v, err := strconv.Atoi(n)
			if err != nil {
				return err
			}
			rows = v
		} else if opt == "unlabelled" {
			write = demo.WriteUnlabelledMonth
		} else {
			return fmt.Errorf("month option %q: want rows=N or unlabelled", opt)
		}
	}
	_, err := write(filepath.Join(s.dir, "data"), s.start.AddDate(0, s.months, 0), kind, rows, 7)
	s.months++
	return err
}

func (s *scenario) run(args string) error {
	force := strings.HasPrefix(args, "force")
	_, during, _ := strings.Cut(args, "during ")
	path := filepath.Join(s.dir, "refit.yaml")
	if err := os.WriteFile(path, []byte(s.config), 0o644); err != nil {
		return err
	}
	cfg, err := pipeline.Load(path)
	if err != nil {
		return err
	}
	now := s.start.AddDate(0, s.months, 0)
	opts := pipeline.Options{Now: now, Force: force, Trigger: "scenario"}
	var duringErr error
	if during != "" {
		pipeline.SetBeforeCommit(&opts, func() { duringErr = s.do(during) })
	}
	s.last, s.lastErr = pipeline.Run(context.Background(), cfg, opts)
	if duringErr != nil {
		return fmt.Errorf("during the run: %s: %w", during, duringErr)
	}
	if s.lastErr != nil && !errors.Is(s.lastErr, pipeline.ErrBlocked) {
		return s.lastErr
	}
	return nil
}

func (s *scenario) reasons(args string) error {
	verb, quoted, _ := strings.Cut(args, " ")
	text, err := strconv.Unquote(quoted)
	if err != nil || s.last == nil {
		return fmt.Errorf("want reasons contain|lack \"TEXT\" after a run")
	}
	has := strings.Contains(strings.Join(s.last.Reasons, "\n"), text)
	if verb == "lack" {
		return s.expect(!has, "reasons %q", s.last.Reasons)
	}
	return s.expect(has, "reasons %q", s.last.Reasons)
}

func (s *scenario) trigger(line string) error {
	f := strings.Fields(line)
	if s.last == nil || len(f) != 3 {
		return fmt.Errorf("want trigger CAUSE fired|held, or no trigger CAUSE, after a run")
	}
	var got *pipeline.Trigger
	for i, tr := range s.last.Triggers {
		if tr.Cause == f[len(f)-1] || (f[0] == "trigger" && tr.Cause == f[1]) {
			got = &s.last.Triggers[i]
		}
	}
	if f[0] == "no" {
		return s.expect(got == nil, "trigger %+v", got)
	}
	return s.expect(got != nil && got.Fired == (f[2] == "fired"), "triggers %+v", s.last.Triggers)
}

func (s *scenario) evidence(args string) error {
	cause, feature, _ := strings.Cut(args, " ")
	if s.last == nil {
		return fmt.Errorf("no run yet")
	}
	for _, tr := range s.last.Triggers {
		for _, e := range tr.Features {
			if tr.Cause == cause && e.Feature == feature && (e.PSI >= e.Threshold || e.NullShift != 0) {
				return nil
			}
		}
	}
	return fmt.Errorf("got triggers %+v", s.last.Triggers)
}

func (s *scenario) driftFeature(args string) error {
	name, verdict, _ := strings.Cut(args, " ")
	if s.last == nil || s.last.Drift == nil {
		return fmt.Errorf("the last run measured no drift")
	}
	var got []string
	for _, f := range s.last.Drift.Features {
		if f.Name == name && f.Verdict.String() == verdict {
			return nil
		}
		got = append(got, f.Name+" "+f.Verdict.String())
	}
	return fmt.Errorf("got drift %v", got)
}

func (s *scenario) profiled(column string) error {
	if s.last == nil || s.last.Profile == nil {
		return fmt.Errorf("the last run recorded no profile")
	}
	var got []string
	for _, c := range s.last.Profile.Columns {
		if c.Name == column && c.Count+c.Nulls == s.last.Profile.Rows {
			return nil
		}
		got = append(got, c.Name)
	}
	return fmt.Errorf("profile of %d rows has columns %v", s.last.Profile.Rows, got)
}

func (s *scenario) covered(slice string) error {
	if s.last == nil || s.last.Coverage == nil {
		return fmt.Errorf("the last run measured no coverage")
	}
	var got []string
	for _, c := range s.last.Coverage.Slices {
		if c.Name == slice {
			return nil
		}
		got = append(got, c.Name)
	}
	return fmt.Errorf("coverage has slices %v", got)
}

func (s *scenario) finding(args string) error {
	i := strings.LastIndex(args, " ")
	problem, err := strconv.Unquote(args[:max(i, 0)])
	if err != nil || s.last == nil || s.last.Coverage == nil {
		return fmt.Errorf("want finding \"PROBLEM\" SLICE after a run with coverage")
	}
	for _, f := range s.last.Coverage.Findings {
		if f.Problem == problem && f.Slice == args[i+1:] {
			return nil
		}
	}
	return fmt.Errorf("got coverage findings %+v", s.last.Coverage.Findings)
}

func (s *scenario) champion(want string) error {
	return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
		v, err := reg.Resolve(ctx, "champion")
		got := v.ID
		if errors.Is(err, registry.ErrNotFound) {
			got, err = "none", nil
		}
		if err != nil {
			return err
		}
		return s.expect(got == want, "champion %s", got)
	})
}

func (s *scenario) promote(args string) error {
	version, _, _ := strings.Cut(args, " ")
	return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
		return reg.Promote(ctx, version, "champion", registry.PromoteOptions{Force: true, Reason: "scenario", Actor: "test"})
	})
}

func (s *scenario) withRegistry(fn func(context.Context, *registry.Registry) error) error {
	ctx := context.Background()
	reg, err := registry.Open(ctx, filepath.Join(s.dir, "workspace"), registry.Options{})
	if err != nil {
		return err
	}
	defer reg.Close()
	return fn(ctx, reg)
}

func (s *scenario) workspace() string { return filepath.Join(s.dir, "workspace") }

func (s *scenario) killRun() error {
	return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
		run, err := reg.StartRun(ctx, "killed")
		if err != nil {
			return err
		}
		model := filepath.Join(s.dir, "killed-model.bin")
		if err := os.WriteFile(model, []byte("weights"), 0o644); err != nil {
			return err
		}
		v, err := reg.Register(ctx, registry.RegisterRequest{Gate: registry.GatePassed, RunID: run.ID, Files: map[string]string{"model.bin": model}})
		if err != nil {
			return err
		}
		ws := s.workspace()
		record := fmt.Sprintf(`{"id": %q, "outcome": "promoted", "champion_after": %q, "reasons": []}`, run.ID, v.ID)
		for path, data := range map[string]string{
			filepath.Join("runs", run.ID, "run.json"):                     record,
			filepath.Join("runs", run.ID, ".report.html.tmp-12345"):       "half a report",
			filepath.Join("tmp", "candidate-123", "model.safetensors"):    "half a model",
			filepath.Join("models", ".staging-2147483646-9", "model.bin"): "staged by a dead process",
			filepath.Join("models", "v0099", "model.bin"):                 "renamed, never committed",
		} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(ws, path)), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(ws, path), []byte(data), 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *scenario) runStatus(args string) error {
	f := strings.Fields(args)
	if len(f) < 2 {
		return fmt.Errorf("want status RUN STATUS [OUTCOME]")
	}
	return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
		run, err := reg.GetRun(ctx, f[0])
		if err != nil {
			return err
		}
		ok := run.Status == f[1] && (len(f) < 3 || run.Outcome == f[2]) && run.Finished.IsZero() == (f[1] == registry.RunRunning)
		return s.expect(ok, "run %s: status %s, outcome %s, finished %v", run.ID, run.Status, run.Outcome, run.Finished)
	})
}

func (s *scenario) versionState(args string) error {
	id, want, _ := strings.Cut(args, " ")
	return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
		v, err := reg.Get(ctx, id)
		if err != nil {
			return err
		}
		return s.expect(v.State == want, "version %s state %s", id, v.State)
	})
}

func (s *scenario) recordOutcome(args string) error {
	id, want, _ := strings.Cut(args, " ")
	if want == "none" {
		_, err := os.Stat(filepath.Join(s.workspace(), "runs", id))
		return s.expect(errors.Is(err, os.ErrNotExist), "runs/%s exists (%v)", id, err)
	}
	data, err := os.ReadFile(filepath.Join(s.workspace(), "runs", id, "run.json"))
	if err != nil {
		return err
	}
	var rec pipeline.Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return err
	}
	return s.expect(string(rec.Outcome) == want, "%s's run.json outcome %s", id, rec.Outcome)
}

// noTemp checks the workspace holds no temporary work: tmp/ empty,
// no staging folder, no write's temp file, no model folder without a row.
func (s *scenario) noTemp() error {
	ws := s.workspace()
	var left []string
	err := filepath.WalkDir(ws, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(ws, path)
		name := d.Name()
		if strings.HasPrefix(name, ".staging-") || strings.Contains(name, ".tmp-") ||
			(filepath.Dir(rel) == "tmp") {
			left = append(left, rel)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
		dirs, _ := filepath.Glob(filepath.Join(ws, "models", "v*"))
		for _, d := range dirs {
			if _, err := reg.Get(ctx, filepath.Base(d)); err != nil {
				left = append(left, d)
			}
		}
		return s.expect(len(left) == 0, "temporary work left: %v", left)
	})
}

func (s *scenario) failRun(args string) error {
	quoted, ok := strings.CutPrefix(args, "run ")
	text, err := strconv.Unquote(quoted)
	if !ok || err != nil {
		return fmt.Errorf("want fail run \"TEXT\"")
	}
	err = s.run("")
	if err == nil || !strings.Contains(err.Error(), text) {
		return fmt.Errorf("got error %v, want one containing %q", err, text)
	}
	return nil
}

func (s *scenario) stray(args string) error {
	path, quoted, _ := strings.Cut(args, " ")
	text, err := strconv.Unquote(quoted)
	if err != nil {
		return fmt.Errorf("want stray PATH \"TEXT\"")
	}
	full := filepath.Join(s.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return os.WriteFile(full, []byte(text), 0o644)
}

func (s *scenario) skipped(names []string) error {
	if s.last == nil {
		return fmt.Errorf("no run yet")
	}
	var got []string
	for _, sk := range s.last.Skipped {
		got = append(got, filepath.Base(sk.Path))
	}
	return s.expect(slices.Equal(got, names), "skipped %q", got)
}

func (s *scenario) runCount(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("want runs N [FIRST]")
	}
	return s.withRegistry(func(ctx context.Context, reg *registry.Registry) error {
		runs, err := reg.Runs(ctx, 0)
		if err != nil {
			return err
		}
		ok := fmt.Sprint(len(runs)) == args[0] && (len(args) < 2 || (len(runs) > 0 && runs[0].ID == args[1]))
		var ids []string
		for _, r := range runs {
			ids = append(ids, r.ID)
		}
		return s.expect(ok, "runs %v", ids)
	})
}

func (s *scenario) monitorSource(want string) error {
	if s.last == nil || s.last.Monitor == nil {
		return fmt.Errorf("the last run has no monitor result")
	}
	m := s.last.Monitor
	if want == "both" {
		return s.expect(m.Realized != nil && m.Estimated != nil, "realized %v, estimated %+v", m.Realized, m.Estimated)
	}
	return s.expect(m.Source == want, "monitor source %q (reasons %q)", m.Source, s.last.Reasons)
}
