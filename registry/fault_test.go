package registry

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

var errInjected = errors.New("injected fault")

// TestRegisterFileFaults fails the Nth file operation of a registration,
// for every N, and checks the registration fails cleanly: no new version,
// the champion still resolves, nothing left to clean, and the next
// registration succeeds.
func TestRegisterFileFaults(t *testing.T) {
	ctx := context.Background()
	var ops []string
	probe := openTest(t, t.TempDir())
	probe.fault = func(op string) error { ops = append(ops, op); return nil }
	if _, err := probe.Register(ctx, twoFiles(t)); err != nil {
		t.Fatal(err)
	}
	t.Logf("file operations of a registration: %v", ops)
	for n := range ops {
		t.Run(fmt.Sprintf("fail %d %s", n+1, ops[n]), func(t *testing.T) {
			r := openTest(t, t.TempDir())
			v1 := register(t, r, GatePassed, "")
			if err := r.Promote(ctx, v1.ID, Champion, PromoteOptions{}); err != nil {
				t.Fatal(err)
			}
			calls := 0
			r.fault = func(string) error {
				if calls++; calls == n+1 {
					return errInjected
				}
				return nil
			}
			_, err := r.Register(ctx, twoFiles(t))
			if !errors.Is(err, errInjected) {
				t.Fatalf("register: %v, want the injected fault", err)
			}
			r.fault = nil
			if vs, _ := r.List(ctx, Filter{}); len(vs) != 1 {
				t.Fatalf("%d versions after a failed registration", len(vs))
			}
			if err := r.Check(ctx); err != nil {
				t.Fatal(err)
			}
			if left, _ := filepath.Glob(filepath.Join(r.Dir(), "models", "*")); len(left) != 1 {
				t.Fatalf("folders left: %v", left)
			}
			if v, err := r.Resolve(ctx, Champion); err != nil || v.ID != v1.ID {
				t.Fatalf("champion %s, %v", v.ID, err)
			}
			v2 := register(t, r, GatePassed, "")
			if _, err := r.Verify(ctx, v2.ID); err != nil || v2.ID != "v0002" {
				t.Fatalf("next registration %s: %v", v2.ID, err)
			}
		})
	}
}

func twoFiles(t *testing.T) RegisterRequest {
	return RegisterRequest{Gate: GatePassed, Files: map[string]string{
		"model.bin": writeFile(t, "m", "x"), "profile.json": writeFile(t, "p", "{}")}}
}
