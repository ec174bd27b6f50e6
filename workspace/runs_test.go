package workspace

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/registry"
)

func TestLastReason(t *testing.T) {
	long := strings.Repeat("é", 100)
	for _, tc := range []struct {
		raw, want string
	}{
		{`null`, "-"},
		{`[]`, "-"},
		{`["first", "second\nline"]`, "second line"},
		{`["` + long + `"]`, strings.Repeat("é", 77) + "..."},
	} {
		if got := lastReason(json.RawMessage(tc.raw)); got != tc.want {
			t.Errorf("lastReason(%.20s) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestWriteRunsTable(t *testing.T) {
	var b strings.Builder
	if err := WriteRunsTable(&b, nil); err != nil || b.String() != "no runs yet\n" {
		t.Errorf("no runs: %q, %v", b.String(), err)
	}
	b.Reset()
	runs := []registry.Run{{ID: "r000001", Started: time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC), Status: "ok",
		Outcome: "promoted", Reasons: json.RawMessage(`["drift on distance"]`)}}
	want := "run      started               status  outcome   trigger  last reason\n" +
		"r000001  2024-03-01T02:00:00Z  ok      promoted  -        drift on distance\n"
	if err := WriteRunsTable(&b, runs); err != nil || b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestWriteRunCatalogOnly: a run without run.json prints its catalog row,
// as text and as JSON.
func TestWriteRunCatalogOnly(t *testing.T) {
	d := Dir(t.TempDir())
	run := registry.Run{ID: "r000002", Started: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Status: "ok", Trigger: "manual",
		Outcome: "no-new-data", Reasons: json.RawMessage(`["no new files"]`)}
	var b strings.Builder
	if err := d.WriteRun(&b, run, false); err != nil || !strings.HasPrefix(b.String(), "run r000002 (manual, started 2024-03-01T00:00:00Z): no-new-data\n") ||
		!strings.Contains(b.String(), "    - no new files\n") || !strings.HasSuffix(b.String(), "record    none: the catalog's row is the whole record\n") {
		t.Errorf("text (%v):\n%s", err, b.String())
	}
	b.Reset()
	var got registry.Run
	if err := d.WriteRun(&b, run, true); err != nil || json.Unmarshal([]byte(b.String()), &got) != nil || got.ID != run.ID {
		t.Errorf("json (%v):\n%s", err, b.String())
	}
}
