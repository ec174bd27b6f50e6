package pipeline_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/demo"
	"github.com/refit-ml/refit/pipeline"
	"github.com/refit-ml/refit/registry"
)

// TestScenarios runs the data-driven scenarios of testdata/runs/*.txt, one
// per decision branch of a run. A scenario is a list of commands, one per
// line ('#' starts a comment):
//
//	config KEY: FLOW-YAML    replace the demo config's top-level KEY
//	month KIND [rows=N]      the next month's data (stable, drift, incident)
//	run [force]              refit run at the start of the following month
//	outcome O                the last run's outcome
//	reasons contain "TEXT"   a reason of the last run contains TEXT
//	reasons lack "TEXT"      no reason of the last run contains TEXT
//	trigger CAUSE fired|held the last run has a trigger of CAUSE that fired
//	                         (held: was recorded but held back)
//	no trigger CAUSE         the last run has no trigger of CAUSE
//	evidence CAUSE FEATURE   the trigger of CAUSE names FEATURE past its threshold
//	drift FEATURE VERDICT    the last run's drift report has FEATURE with VERDICT
//	finding "PROBLEM" SLICE  the last run's coverage has a finding of PROBLEM on SLICE
//	trained yes|no           whether the last run trained a candidate
//	champion VERSION|none    the champion after the last command
//	promote VERSION force    force-promote a version (refit promote --force)
//	rollback                 move the champion back (refit rollback)
//
// The data come from the demo's generator (internal/demo), seeded, so a
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
		return s.run(rest == "force")
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
	case "trained":
		trained := s.last != nil && s.last.Training != nil
		return s.expect(trained == (rest == "yes"), "trained: %v", trained)
	case "champion":
		return s.champion(rest)
	case "promote":
		return s.promote(rest)
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
	kind, opt, _ := strings.Cut(args, " ")
	rows := 3000
	if n, ok := strings.CutPrefix(opt, "rows="); ok {
		v, err := strconv.Atoi(n)
		if err != nil {
			return err
		}
		rows = v
	}
	_, err := demo.WriteMonth(filepath.Join(s.dir, "data"), s.start.AddDate(0, s.months, 0), kind, rows, 7)
	s.months++
	return err
}

func (s *scenario) run(force bool) error {
	path := filepath.Join(s.dir, "refit.yaml")
	if err := os.WriteFile(path, []byte(s.config), 0o644); err != nil {
		return err
	}
	cfg, err := pipeline.Load(path)
	if err != nil {
		return err
	}
	now := s.start.AddDate(0, s.months, 0)
	s.last, s.lastErr = pipeline.Run(context.Background(), cfg, pipeline.Options{Now: now, Force: force, Trigger: "scenario"})
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
