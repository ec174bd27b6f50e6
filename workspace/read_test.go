package workspace

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func writeRecord(t *testing.T, d Dir, dir string, rec any) {
	t.Helper()
	if err := os.MkdirAll(d.RunPath(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.RecordPath(dir), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRecords(t *testing.T) {
	d := Dir(t.TempDir())
	if recs, err := d.Records(); err != nil || len(recs) != 0 {
		t.Fatalf("a workspace without runs: %v, %v; want none", recs, err)
	}
	writeRecord(t, d, "r000010", &Record{ID: "r000010", Outcome: OutcomeKept})
	writeRecord(t, d, "r000002", &Record{ID: "r000002", Outcome: OutcomePromoted, Triggers: []Trigger{{Cause: "drift", Fired: true}}})
	writeRecord(t, d, "r000003", &Record{ID: "r000099"}) // names another run
	writeRecord(t, d, "notes", &Record{ID: "notes"})     // not a run
	if err := os.MkdirAll(d.RunPath("r000004"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.RecordPath("r000004"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}

	recs, err := d.Records()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	if len(ids) != 2 || ids[0] != "r000002" || ids[1] != "r000010" {
		t.Fatalf("records %v, want r000002 and r000010 in run order", ids)
	}
	if recs[0].Outcome != OutcomePromoted || len(recs[0].Triggers) != 1 || recs[0].Triggers[0].Cause != "drift" {
		t.Errorf("record r000002 decoded as %+v", recs[0])
	}

	if _, err := d.ReadRecord("r000005"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing record: %v, want fs.ErrNotExist", err)
	}
	if _, err := d.ReadRecord("r000004"); err == nil {
		t.Error("a damaged record read without error")
	}
}

func TestLayout(t *testing.T) {
	d := Dir("ws")
	for _, c := range [][2]string{
		{d.CatalogPath(), "ws/catalog.db"},
		{d.ModelsPath(), "ws/models"},
		{d.RunsPath(), "ws/runs"},
		{d.RunPath("r000001"), "ws/runs/r000001"},
		{d.RecordPath("r000001"), "ws/runs/r000001/run.json"},
		{d.TmpPath(), "ws/tmp"},
		{d.LockPath(), "ws/refit.lock"},
		{d.Lock().Path(), "ws/refit.lock"},
	} {
		if got := filepath.ToSlash(c[0]); got != c[1] {
			t.Errorf("path %s, want %s", got, c[1])
		}
	}
}

func TestRunSeq(t *testing.T) {
	for name, want := range map[string]int{"r000012": 12, "r1": 1, "x000012": 0, "r": 0, "rabc": 0, "": 0} {
		if got := RunSeq(name); got != want {
			t.Errorf("RunSeq(%q) = %d, want %d", name, got, want)
		}
	}
}

// TestTryLock: the lock is held until released, and a second holder is
// refused meanwhile.
func TestTryLock(t *testing.T) {
	d := Dir(filepath.Join(t.TempDir(), "ws"))
	release, err := d.TryLock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.TryLock(); err == nil {
		t.Error("a held workspace lock was taken again")
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	release, err = d.TryLock()
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = release()
}
