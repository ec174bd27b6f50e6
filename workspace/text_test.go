package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/refit-ml/refit/internal/hook"
)

func TestWriteHooks(t *testing.T) {
	var b strings.Builder
	WriteHooks(&b, nil)
	WriteHooks(&b, []hook.Result{{Target: "./notify.sh", OK: true}, {Target: "https://x/refit", Error: "HTTP 500 Internal Server Error: down"}})
	want := "  hooks\n    - ./notify.sh: ok\n    - https://x/refit: failed: HTTP 500 Internal Server Error: down\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestRecordText(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, RecordFile), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2001, 4, 1, 0, 0, 0, 0, time.UTC)
	promoted := &Record{ID: "r1", Trigger: "manual", Clock: clock, Started: clock, Finished: clock.Add(1500 * time.Millisecond),
		Outcome: OutcomePromoted, NewFiles: []string{"a", "b"}, NewRows: 300, ChampionBefore: "v0001", ChampionAfter: "v0002",
		Candidate: "v0002", Reasons: []string{"drift on\ndelay"},
		Stages: []Stage{{Name: "ingest", Status: StageOK, Duration: 1200 * time.Microsecond, Notes: []string{"2 files"}}, {Name: "train", Status: StageSkipped}}}
	kept := &Record{ID: "r2", Trigger: "cron", Clock: clock, Started: clock, Finished: clock, Outcome: OutcomeKept,
		NewRows: 50, NewSpan: "2001-03", ChampionBefore: "v0002", ChampionAfter: "v0002", Error: "boom"}
	paths := "  record    " + filepath.Join(dir, RecordFile) + "\n"
	for _, tt := range []struct {
		name      string
		rec       *Record
		run, show string
	}{
		{"promoted", promoted,
			"run r1 (manual, clock 2001-04-01T00:00:00Z): promoted\n  champion  v0001 -> v0002\n  new data  2 files, 300 rows\n  why\n    - drift on delay\n" + paths,
			"run r1 (manual, clock 2001-04-01T00:00:00Z): promoted\n  status    succeeded in 1.5s\n  champion  v0001 -> v0002\n  candidate v0002\n  new data  2 files, 300 rows\n  why\n    - drift on delay\n" +
				"  stages\n    ingest  ok       1ms  2 files\n    train   skipped  0s\n" + paths},
		{"kept, with an error", kept,
			"run r2 (cron, clock 2001-04-01T00:00:00Z): kept\n  champion  v0002 (unchanged)\n  new data  50 rows in 2001-03\n  error     boom\n" + paths,
			"run r2 (cron, clock 2001-04-01T00:00:00Z): kept\n  status    succeeded in 0s\n  champion  v0002 (unchanged)\n  new data  50 rows in 2001-03\n  error     boom\n" + paths},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var run, show strings.Builder
			if err := WriteRunText(&run, tt.rec, dir); err != nil {
				t.Fatal(err)
			}
			if err := WriteRecordText(&show, tt.rec, "succeeded", dir); err != nil {
				t.Fatal(err)
			}
			if run.String() != tt.run {
				t.Errorf("WriteRunText:\n%q\nwant\n%q", run.String(), tt.run)
			}
			if show.String() != tt.show {
				t.Errorf("WriteRecordText:\n%q\nwant\n%q", show.String(), tt.show)
			}
		})
	}
}
