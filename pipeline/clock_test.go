package pipeline

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-03-01", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"2024-03-01T02:00:00", time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC), true},
		{"2024-03-01T02:00:00.5Z", time.Date(2024, 3, 1, 2, 0, 0, 5e8, time.UTC), true},
		{"2024-03-01T02:00:00+01:00", time.Date(2024, 3, 1, 1, 0, 0, 0, time.UTC), true},
		{"yesterday", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		got, ok := ParseTime(tc.in)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNextFires(t *testing.T) {
	now := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	got, err := NextFires([]Schedule{{Name: "nightly", Job: "run", Cron: "0 2 * * *", Timeout: Duration(time.Hour)}}, now, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Timeout != "1h0m0s" || len(got[0].Next) != 2 ||
		!got[0].Next[1].Equal(time.Date(2024, 3, 2, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("NextFires: %+v", got)
	}
	if _, err := NextFires([]Schedule{{Name: "bad", Cron: "nope"}}, now, 1); err == nil {
		t.Error("a bad cron spec gave no error")
	}
}
