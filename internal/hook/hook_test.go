package hook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/registry"
)

func testEvent(t *testing.T) Event {
	card := filepath.Join(t.TempDir(), "MODEL_CARD.md")
	if err := os.WriteFile(card, []byte("# Model card\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v := registry.Version{ID: "v0002", RunID: "r000004", Gate: "passed", Metrics: json.RawMessage(`{"auc":0.71}`),
		Artifacts: []registry.Artifact{{Name: "MODEL_CARD.md", Path: card}}}
	h := registry.HistoryEntry{Actor: "run r000004", Reason: "gates passed", At: time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC)}
	return NewEvent("/ws", "champion", "v0001", v, h)
}

func checkEvent(t *testing.T, body []byte) {
	t.Helper()
	var got Event
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("hook body is not an Event: %v: %s", err, body)
	}
	if got.Event != "promote" || got.To != "v0002" || got.From != "v0001" || got.Run != "r000004" ||
		got.ModelCard != "# Model card\n" || string(got.Version.Metrics) != `{"auc":0.71}` || got.Workspace != "/ws" {
		t.Errorf("hook got %+v", got)
	}
}

func TestCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "stdin.json")
	res := Call(context.Background(), []string{"cat > stdin.json && test \"$REFIT_VERSION\" = v0002"}, testEvent(t), Options{Dir: dir})
	if len(res) != 1 || !res[0].OK {
		t.Fatalf("results %+v", res)
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkEvent(t, body)
}

func TestURL(t *testing.T) {
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		body, _ = io.ReadAll(r.Body)
	}))
	defer srv.Close()
	res := Call(context.Background(), []string{srv.URL + "/hook"}, testEvent(t), Options{})
	if len(res) != 1 || !res[0].OK {
		t.Fatalf("results %+v", res)
	}
	checkEvent(t, body)
}

// TestFailures: every failure is a result, and later hooks still run.
func TestFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such channel", http.StatusNotFound)
	}))
	defer srv.Close()
	ok := filepath.Join(t.TempDir(), "ran")
	targets := []string{
		"echo 'cannot reach slack' >&2; exit 3",
		srv.URL,
		"sleep 5",
		"http://127.0.0.1:1/unreachable",
		"touch " + ok,
	}
	res := Call(context.Background(), targets, testEvent(t), Options{Timeout: 300 * time.Millisecond})
	want := []string{"exit status 3: cannot reach slack", "HTTP 404 Not Found: no such channel", "timed out after 300ms", "connection refused", ""}
	for i, r := range res {
		if r.Target != targets[i] {
			t.Errorf("result %d is for %q", i, r.Target)
		}
		if r.OK != (want[i] == "") || !strings.Contains(r.Error, want[i]) {
			t.Errorf("%q: ok %v, error %q, want %q", targets[i], r.OK, r.Error, want[i])
		}
	}
	if _, err := os.Stat(ok); err != nil {
		t.Errorf("the hook after the failures did not run: %v", err)
	}
}
