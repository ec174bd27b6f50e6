package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/internal/hook"
	"github.com/refit-ml/refit/promotion"
)

// TestPromoteHooks promotes with --config: the command hook gets the event
// on stdin, the URL hook as a POST, and the failing hook is a warning that
// leaves the promotion in place.
func TestPromoteHooks(t *testing.T) {
	t.Setenv("USER", "tester")
	dir := trainData(t)
	trainSmall(t, dir)
	bodies := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- b
	}))
	defer srv.Close()
	cfg := registryConfig + "hooks:\n  on_promote: [\"cat > hook.json\", \"" + srv.URL + "/refit\", \"echo nope >&2; exit 5\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "refit.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := registryRun(t, dir, "models", "register", "$DIR/m.refit", "--config", "$DIR/refit.yaml"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := registryRun(t, dir, "promote", "v0001", "--force", "--reason", "first", "--config", "$DIR/refit.yaml")
	if code != 0 {
		t.Fatalf("promote: exit %d: %s", code, stderr)
	}
	compareGolden(t, filepath.Join("testdata", "promote_hooks.golden"), stdout+stderr)
	data, err := os.ReadFile(filepath.Join(dir, "hook.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"command": data, "URL": <-bodies} {
		var ev hook.Event
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("%s hook: %v: %s", name, err, b)
		}
		if ev.Event != "promote" || ev.To != "v0001" || ev.Actor != "tester" || ev.Reason != "first" || !ev.Forced || ev.Version.ID != "v0001" {
			t.Errorf("%s hook got %+v", name, ev)
		}
	}
	// A promotion that changes nothing calls no hook.
	code, stdout, stderr = registryRun(t, dir, "promote", "v0001", "--force", "--reason", "no-op", "--config", "$DIR/refit.yaml")
	if code != 0 || strings.Contains(stderr, "hook") {
		t.Errorf("promoting the champion again: exit %d: %s%s", code, stdout, stderr)
	}
	// The JSON output lists every hook's result.
	if code, _, stderr := registryRun(t, dir, "models", "register", "$DIR/m.refit", "--config", "$DIR/refit.yaml"); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, _ = registryRun(t, dir, "promote", "v0002", "--force", "--reason", "again", "--config", "$DIR/refit.yaml", "--format", "json")
	<-bodies
	var c promotion.Change
	if err := json.Unmarshal([]byte(stdout), &c); err != nil || code != 0 {
		t.Fatalf("promote --format json: exit %d, %v: %s", code, err, stdout)
	}
	if len(c.Hooks) != 3 || !c.Hooks[0].OK || !c.Hooks[1].OK || c.Hooks[2].OK || c.Hooks[2].Error != "exit status 5: nope" {
		t.Errorf("hooks %+v", c.Hooks)
	}
	// Without --config there is no hook to call.
	if code, stdout, stderr := registryRun(t, dir, "rollback", "--workspace", "$DIR/ws"); code != 0 {
		t.Fatalf("rollback: exit %d: %s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := registryRun(t, dir, "promote", "v0002", "--force", "--reason", "x", "--workspace", "$DIR/ws"); code != 0 || strings.Contains(stderr, "hook") {
		t.Errorf("promote --workspace: exit %d: %s%s", code, stdout, stderr)
	}
}
