package profileio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/refit-ml/refit/ingest"
	"github.com/refit-ml/refit/internal/modeltest"
	"github.com/refit-ml/refit/validate"
	"github.com/refit-ml/refit/validate/drift"
)

func TestSide(t *testing.T) {
	ctx := context.Background()
	data := modeltest.MonthlyFlights(t)
	s := Side{Sources: []string{data}, Where: "month(date) <= 3"}
	if got, want := s.String(), data+" where month(date) <= 3"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	b, err := json.Marshal(s)
	if err != nil || !strings.Contains(string(b), `"where":"month(date) \u003c= 3"`) {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
	p, err := s.Load(ctx, []string{"delay"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 3 || len(p.Columns) != 2 { // delay, and date for the filter
		t.Errorf("profile of the first quarter: %d rows, %d columns; want 3 and 2", p.Rows, len(p.Columns))
	}
	saved := filepath.Join(t.TempDir(), "q1.json")
	if err := Save(saved, p); err != nil {
		t.Fatal(err)
	}
	if s.Saved() || !(Side{Sources: []string{saved}}).Saved() {
		t.Error("Saved tells data from a saved profile wrongly")
	}
	back, err := Side{Sources: []string{saved}}.Load(ctx, nil)
	if err != nil || back.Rows != 3 {
		t.Fatalf("saved profile: %v, %v", back, err)
	}
	if _, err := (Side{Sources: []string{saved}, Where: "x"}).Load(ctx, nil); err == nil || !strings.Contains(err.Error(), "cannot be filtered") {
		t.Errorf("filtering a saved profile: %v", err)
	}
	if _, err := DriftCost(ctx, nil, nil, Side{Sources: []string{saved}}, s); err != ErrSavedSide {
		t.Errorf("DriftCost of a saved side: %v, want ErrSavedSide", err)
	}
	recs, err := s.Records(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release(recs)
	n := int64(0)
	for _, r := range recs {
		n += r.NumRows()
	}
	if n != 3 {
		t.Errorf("Records: %d rows, want 3", n)
	}
}

func TestLazy(t *testing.T) {
	l := &Lazy{Side: Side{Sources: []string{filepath.Join(t.TempDir(), "missing.json")}}, Name: "--reference"}
	if _, err := l.Profile(context.Background()); err == nil || !strings.HasPrefix(err.Error(), "--reference: ") {
		t.Errorf("missing reference: %v", err)
	}
	l = &Lazy{Side: Side{Sources: []string{modeltest.MonthlyFlights(t)}}}
	p, err := l.Profile(context.Background())
	if err != nil || p == nil {
		t.Fatal(p, err)
	}
	if again, _ := l.Profile(context.Background()); again != p {
		t.Error("Lazy loaded the profile twice")
	}
	if p, err := (&Lazy{}).Profile(context.Background()); p != nil || err != nil {
		t.Errorf("no sources: %v, %v; want nil, nil", p, err)
	}
}

func TestParseShard(t *testing.T) {
	for s, want := range map[string][2]int{"0/4": {0, 4}, "3/4": {3, 4}, "0/1": {0, 1}} {
		if i, n, err := ParseShard(s); err != nil || i != want[0] || n != want[1] {
			t.Errorf("ParseShard(%q) = %d, %d, %v", s, i, n, err)
		}
	}
	for _, s := range []string{"4/4", "-1/4", "0/0", "1", "a/b", ""} {
		if _, _, err := ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q): no error", s)
		}
	}
}

// TestMerge: shards in any order merge to the bytes of the whole profile;
// saved profiles add up; mixing the two is an error.
func TestMerge(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ds, err := ingest.Open(ctx, []string{modeltest.MonthlyFlights(t)}, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Scan(ctx, ds, nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	wholePath := filepath.Join(dir, "whole.json")
	if err := Save(wholePath, whole); err != nil {
		t.Fatal(err)
	}
	var shards []string
	for i := 2; i >= 0; i-- {
		path := filepath.Join(dir, "shard"+string(rune('0'+i))+".json")
		if _, err := WriteShard(ctx, ds, i, 3, path); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, path)
	}
	merged, err := Merge(shards)
	if err != nil {
		t.Fatal(err)
	}
	mergedPath := filepath.Join(dir, "merged.json")
	if err := Save(mergedPath, merged); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(wholePath)
	b, _ := os.ReadFile(mergedPath)
	if !bytes.Equal(a, b) {
		t.Error("merged shards differ from the whole profile")
	}
	double, err := Merge([]string{wholePath, wholePath})
	if err != nil || double.Rows != 24 {
		t.Errorf("two saved profiles: %v rows, %v; want 24", double, err)
	}
	if _, err := Merge([]string{shards[0], wholePath}); err == nil || !strings.Contains(err.Error(), "1 of 2 files are shard files") {
		t.Errorf("mixed merge: %v", err)
	}
}

func ExampleParseShard() {
	i, n, err := ParseShard("1/4")
	fmt.Println(i, n, err)
	_, _, err = ParseShard("4/4")
	fmt.Println("--shard", err)
	// Output:
	// 1 4 <nil>
	// --shard "4/4": want i/N with 0 <= i < N, e.g. 0/4
}

func TestDriftRun(t *testing.T) {
	ctx := context.Background()
	data := modeltest.MonthlyFlights(t)
	ref := Side{Sources: []string{data}, Where: "month(date) <= 6"}
	cur := Side{Sources: []string{data}, Where: "month(date) > 6"}
	d, err := Drift(ctx, ref, cur, drift.Options{Columns: []string{"delay"}, PSIWarn: 0.1, PSIAlert: 0.25, Bins: 10})
	if err != nil {
		t.Fatal(err)
	}
	run := DriftRun{Reference: ref, Current: cur, Drift: d}
	if run.Alerts() != 1 || d.Verdict != validate.VerdictAlert { // the delays of the two halves do not overlap
		t.Errorf("%d alerts, verdict %s; want delay to alert", run.Alerts(), d.Verdict)
	}
	var buf bytes.Buffer
	if err := run.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if want := "reference: " + data + " where month(date) <= 6 (6 rows)\n"; !strings.HasPrefix(buf.String(), want) {
		t.Errorf("text starts %q, want %q", buf.String(), want)
	}
	b, err := json.Marshal(run)
	if err != nil || !bytes.HasPrefix(b, []byte(`{"reference":{"sources":[`)) || bytes.Contains(b, []byte(`"cost"`)) {
		t.Errorf("JSON %s, %v", b, err)
	}
}
