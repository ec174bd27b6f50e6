package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// stepClock returns a clock that advances one second per call.
func stepClock() func() time.Time {
	var n atomic.Int64
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { return base.Add(time.Duration(n.Add(1)) * time.Second) }
}

func openTest(t *testing.T, dir string) *Registry {
	t.Helper()
	r, err := Open(context.Background(), dir, Options{Now: stepClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// writeFile writes content to a new file under t.TempDir and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func register(t *testing.T, r *Registry, gate GateStatus, parent string) Version {
	t.Helper()
	v, err := r.Register(context.Background(), RegisterRequest{
		Parent: parent, Gate: gate, DatasetFingerprint: "fp1", ConfigHash: "cfg1",
		Metrics: json.RawMessage(`{"auc":0.8}`),
		Files:   map[string]string{"model.bin": writeFile(t, "m", "weights-"+string(gate)+parent)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRegisterGetList(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	v1 := register(t, r, GatePassed, "")
	v2 := register(t, r, GateFailed, v1.ID)
	if v1.ID != "v0001" || v2.ID != "v0002" || v2.Parent != "v0001" {
		t.Fatalf("ids %s %s parent %s", v1.ID, v2.ID, v2.Parent)
	}
	got, err := r.Get(ctx, "v0002")
	if err != nil {
		t.Fatal(err)
	}
	a, ok := got.Artifact("model.bin")
	// sha256("weights-failedv0001"), by `printf weights-failedv0001 | sha256sum`.
	if !ok || a.Size != 19 || got.Gate != GateFailed || string(got.Metrics) != `{"auc":0.8}` {
		t.Fatalf("got %+v", got)
	}
	if b, err := os.ReadFile(filepath.Join(r.Dir(), "models", "v0002", "model.bin")); err != nil || string(b) != "weights-failedv0001" {
		t.Fatalf("artifact content %q, %v", b, err)
	}
	if !got.Created.After(v1.Created) {
		t.Errorf("created %v not after %v", got.Created, v1.Created)
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"all", Filter{}, []string{"v0001", "v0002"}},
		{"passed", Filter{Gate: GatePassed}, []string{"v0001"}},
		{"children", Filter{Parent: "v0001"}, []string{"v0002"}},
		{"limit", Filter{Limit: 1}, []string{"v0002"}},
		{"since", Filter{Since: v2.Created}, []string{"v0002"}},
		{"fingerprint", Filter{DatasetFingerprint: "other"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs, err := r.List(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, v := range vs {
				ids = append(ids, v.ID)
			}
			if len(ids) != len(tc.want) || (len(ids) > 0 && ids[0] != tc.want[0]) {
				t.Fatalf("got %v, want %v", ids, tc.want)
			}
		})
	}
}

func TestRegisterErrors(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	for _, tc := range []struct {
		name string
		req  RegisterRequest
		want error
	}{
		{"unknown parent", RegisterRequest{Parent: "v0042"}, ErrNotFound},
		{"bad gate", RegisterRequest{Gate: "maybe"}, ErrInvalidInput},
		{"bad metrics", RegisterRequest{Metrics: json.RawMessage("{")}, ErrInvalidInput},
		{"bad name", RegisterRequest{Files: map[string]string{"../x": "/etc/hostname"}}, ErrInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := r.Register(ctx, tc.req); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := r.Register(ctx, RegisterRequest{Files: map[string]string{"m": "/does/not/exist"}}); err == nil {
		t.Fatal("missing source file registered")
	}
	entries, _ := os.ReadDir(filepath.Join(r.Dir(), "models"))
	if len(entries) != 0 {
		t.Fatalf("failed registrations left %d folders: %v", len(entries), entries[0].Name())
	}
}

func TestPromoteGates(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	ok := register(t, r, GatePassed, "")
	failed := register(t, r, GateFailed, "")
	missing := register(t, r, GateMissing, "")
	for _, tc := range []struct {
		name    string
		version string
		opts    PromoteOptions
		want    error
	}{
		{"passed", ok.ID, PromoteOptions{Reason: "nightly"}, nil},
		{"failed", failed.ID, PromoteOptions{}, ErrGateNotPassed},
		{"missing", missing.ID, PromoteOptions{}, ErrGateNotPassed},
		{"force without reason", failed.ID, PromoteOptions{Force: true}, ErrInvalidInput},
		{"unknown version", "v0099", PromoteOptions{}, ErrNotFound},
		{"forced", failed.ID, PromoteOptions{Force: true, Reason: "hotfix", Actor: "alice"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Promote(ctx, tc.version, Champion, tc.opts)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	if err := r.Promote(ctx, ok.ID, "Bad Alias", PromoteOptions{}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("bad alias: %v", err)
	}
	hist, err := r.History(ctx, Champion)
	if err != nil {
		t.Fatal(err)
	}
	want := []HistoryEntry{
		{Seq: 1, From: "", To: ok.ID, Kind: "promote", Reason: "nightly"},
		{Seq: 2, From: ok.ID, To: failed.ID, Kind: "promote", Reason: "hotfix", Forced: true, Actor: "alice"},
	}
	if len(hist) != len(want) {
		t.Fatalf("history %+v", hist)
	}
	for i, h := range hist {
		w := want[i]
		w.At, w.Alias = h.At, Champion
		if h != w {
			t.Errorf("history[%d] = %+v, want %+v", i, h, w)
		}
	}
	if err := r.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRollback(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	var ids []string
	for i := 0; i < 3; i++ {
		v := register(t, r, GatePassed, "")
		ids = append(ids, v.ID)
		if err := r.Promote(ctx, v.ID, Champion, PromoteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{ids[1], ids[0]} {
		got, err := r.Rollback(ctx, Champion, RollbackOptions{Reason: "bad"})
		if err != nil || got != want {
			t.Fatalf("rollback = %s, %v; want %s", got, err, want)
		}
		v, err := r.Resolve(ctx, Champion)
		if err != nil || v.ID != want {
			t.Fatalf("resolve = %s, %v; want %s", v.ID, err, want)
		}
	}
	if _, err := r.Rollback(ctx, Champion, RollbackOptions{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("rollback past the start: %v", err)
	}
	if _, err := r.Rollback(ctx, "nobody", RollbackOptions{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("rollback of unknown alias: %v", err)
	}
	if err := r.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestResolveDetectsCorruption(t *testing.T) {
	ctx := context.Background()
	r := openTest(t, t.TempDir())
	v := register(t, r, GatePassed, "")
	if err := r.Promote(ctx, v.ID, Champion, PromoteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(ctx, "challenger"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown alias: %v", err)
	}
	path := v.Artifacts[0].Path
	for _, tc := range []struct {
		name    string
		corrupt func() error
	}{
		{"flipped byte", func() error { return os.WriteFile(path, []byte("weights-passeX"), 0o644) }},
		{"missing file", func() error { return os.Remove(path) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.corrupt(); err != nil {
				t.Fatal(err)
			}
			if _, err := r.Resolve(ctx, Champion); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("resolve: %v", err)
			}
			if err := r.Check(ctx); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("check: %v", err)
			}
		})
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	r := openTest(t, dir)
	register(t, r, GatePassed, "")
	r.Close()
	r2 := openTest(t, dir)
	var v int
	if err := r2.db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("schema version %d, %v", v, err)
	}
	var mode string
	if err := r2.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
	if vs, err := r2.List(ctx, Filter{}); err != nil || len(vs) != 1 {
		t.Fatalf("after reopen: %d versions, %v", len(vs), err)
	}
}

func TestCleanOrphans(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	r, err := Open(ctx, dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	v := register(t, r, GatePassed, "")
	models := filepath.Join(dir, "models")
	dead := ".staging-2147483646-1" // no such pid: removed however young
	live := fmt.Sprintf(".staging-%d-1", os.Getpid())
	for _, d := range []string{".staging-old", ".staging-new", "v0002", dead, live} {
		if err := os.Mkdir(filepath.Join(models, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := now.Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(models, ".staging-old"), old, old); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{".staging-new", dead, live} {
		if err := os.Chtimes(filepath.Join(models, d), now, now); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := r.CleanOrphans(ctx, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 3 || removed[0] != dead || removed[1] != ".staging-old" || removed[2] != "v0002" {
		t.Fatalf("removed %v", removed)
	}
	if _, err := r.Verify(ctx, v.ID); err != nil {
		t.Fatalf("registered version damaged: %v", err)
	}
	for _, d := range []string{".staging-new", live} {
		if _, err := os.Stat(filepath.Join(models, d)); err != nil {
			t.Fatalf("young staging folder of a live process removed: %v", err)
		}
	}
}

// TestConcurrentPromotionInProcess promotes from several goroutines, each
// with its own Registry (its own connection pool), at once.
func TestConcurrentPromotionInProcess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	r := openTest(t, dir)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, register(t, r, GatePassed, "").ID)
	}
	const workers, n = 3, 20
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			rw, err := Open(ctx, dir, Options{})
			if err != nil {
				errc <- err
				return
			}
			defer rw.Close()
			for i := 0; i < n && err == nil; i++ {
				err = rw.Promote(ctx, ids[(w+i)%len(ids)], Champion, PromoteOptions{})
			}
			errc <- err
		}()
	}
	for w := 0; w < workers; w++ {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if h, _ := r.History(ctx, Champion); len(h) == 0 {
		t.Fatal("no history")
	}
}
