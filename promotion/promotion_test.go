package promotion

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/evaluate"
	"github.com/refit-ml/refit/holdout"
	"github.com/refit-ml/refit/internal/modeltest"
	"github.com/refit-ml/refit/modelref"
	"github.com/refit-ml/refit/registry"
)

// fixture is a holdout file and two model files on it: good sees both
// inputs, weak only one.
type fixture struct {
	dir, data, good, weak, ws, policy string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	dir := t.TempDir()
	rows := modeltest.Rows(2000, 3)
	policy := filepath.Join(dir, "gates.yaml")
	if err := os.WriteFile(policy, []byte("gates:\n  - {metric: auc, min: 0.5}\n  - {metric: auc, max_drop_vs_champion: 0.005}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return fixture{policy: policy, dir: dir, data: modeltest.WriteData(t, dir, rows), ws: filepath.Join(dir, "ws"),
		good: modeltest.SaveModel(t, dir, "good.refit", rows, 1, 1), weak: modeltest.SaveModel(t, dir, "weak.refit", rows, 1, 0)}
}

func (f fixture) gate(t *testing.T, cand, champ string) *GateReport {
	t.Helper()
	g, err := NewGate(context.Background(), GateRequest{Candidate: cand, Champion: champ, Workspace: f.ws, Register: true, Policy: f.policy,
		Holdout: holdout.Options{Data: []string{f.data}, NoAutoSlices: true}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGatePromoteRollback gates a candidate with no champion yet and
// registers it, gates a worse one against it, promotes, refuses the
// failed one, forces it, and rolls back.
func TestGatePromoteRollback(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.gate(t, f.good, "champion")
	if !first.Verdict.Pass || first.Champion != nil || first.Policy != f.policy || first.Registered.ID != "v0001" ||
		first.Registered.Gate != registry.GatePassed || first.Label != "late" || first.Rows != 2000 {
		t.Fatalf("first gate: %+v", first)
	}
	reg, err := modelref.OpenExisting(ctx, f.ws)
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	ch, err := Promote(ctx, reg, PromoteRequest{Version: "v0001", Alias: registry.Champion})
	if err != nil || ch.Alias != "champion" || ch.From != "" || ch.To != "v0001" || ch.Kind != "promote" || ch.Forced {
		t.Fatalf("promote v0001: %+v, %v", ch, err)
	}
	second := f.gate(t, f.weak, "champion")
	if second.Verdict.Pass || second.Champion == nil || second.Champion.Version != "v0001" || second.Registered.Gate != registry.GateFailed {
		t.Fatalf("second gate: %+v", second)
	}
	var text strings.Builder
	if err := second.WriteText(&text); err != nil || !strings.Contains(text.String(), "(v0001)") ||
		!strings.HasSuffix(text.String(), "registered v0002 (gate failed)\n") {
		t.Errorf("gate text (%v):\n%s", err, text.String())
	}
	if _, err := Promote(ctx, reg, PromoteRequest{Version: "v0002", Alias: registry.Champion}); !errors.Is(err, registry.ErrGateNotPassed) {
		t.Fatalf("promote a failed gate: %v", err)
	}
	ch, err = Promote(ctx, reg, PromoteRequest{Version: "v0002", Alias: registry.Champion,
		Options: registry.PromoteOptions{Force: true, Reason: "test"}})
	if err != nil || !ch.Forced || ch.From != "v0001" || ch.Reason != "test" {
		t.Fatalf("forced promote: %+v, %v", ch, err)
	}
	text.Reset()
	if err := ch.WriteText(&text); err != nil || text.String() != "promote: champion v0001 -> v0002 (forced)\n" {
		t.Errorf("change text %q, %v", text.String(), err)
	}
	ch, err = Rollback(ctx, reg, registry.Champion, registry.RollbackOptions{})
	if err != nil || ch.Kind != "rollback" || ch.To != "v0001" {
		t.Fatalf("rollback: %+v, %v", ch, err)
	}
}

func TestGateSummary(t *testing.T) {
	f := newFixture(t)
	r := f.gate(t, f.good, "")
	path := filepath.Join(f.dir, "summary.md")
	if err := r.WriteSummary(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "## ") || !strings.HasSuffix(string(b), "\nregistered v0001 (gate passed)\n") {
		t.Errorf("summary (%v):\n%s", err, b)
	}
	if err := r.WriteSummary(""); err != nil {
		t.Errorf("no summary path: %v", err)
	}
}

func TestNewGateErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		req  GateRequest
		want string
	}{
		{"no candidate", GateRequest{}, "--candidate is required"},
		{"no workspace", GateRequest{Candidate: f.good, Champion: "champion", Workspace: f.ws}, "check --workspace"},
		{"missing policy", GateRequest{Candidate: f.good, Policy: filepath.Join(f.dir, "none.yaml")}, "--policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewGate(ctx, tc.req); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewGate: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gates.yaml")
	if err := os.WriteFile(path, []byte("gates:\n  - {metric: auc, min: 0.7}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pol, name, err := Policy(path, "", evaluate.TaskBinary)
	if err != nil || name != path || len(pol.Gates) != 1 {
		t.Errorf("policy file: %v, %q, %v", pol, name, err)
	}
	pol, name, err = Policy("", "", evaluate.TaskBinary)
	if err != nil || name != "default" || len(pol.Gates) == 0 {
		t.Errorf("default policy: %v, %q, %v", pol, name, err)
	}
}

func TestActor(t *testing.T) {
	t.Setenv("USER", "ada")
	if got := Actor(); got != "ada" {
		t.Errorf("Actor with $USER = %q", got)
	}
	t.Setenv("USER", "")
	if got := Actor(); got != "cli" {
		t.Errorf("Actor without $USER = %q", got)
	}
}
