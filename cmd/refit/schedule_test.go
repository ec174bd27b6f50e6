package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScheduleNextZones runs `refit schedule next` with --now in several
// zones: a spec with CRON_TZ prints its times in that zone, with the
// offset of each day across New York's daylight saving changes; one
// without prints them in the zone of --now, as before.
func TestScheduleNextZones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cron  string
		now   string
		count string
		want  []string
	}{
		{"new york, now in UTC", "CRON_TZ=America/New_York 0 6 * * *", "2026-11-24T12:00:00Z", "1",
			[]string{"2026-11-25T06:00:00-05:00  Wed"}},
		{"new york, now in Tokyo", "CRON_TZ=America/New_York 0 6 * * *", "2026-11-24T21:00:00+09:00", "1",
			[]string{"2026-11-25T06:00:00-05:00  Wed"}},
		{"new york, now in Los Angeles", "CRON_TZ=America/New_York 0 6 * * *", "2026-11-24T04:00:00-08:00", "1",
			[]string{"2026-11-25T06:00:00-05:00  Wed"}},
		{"new york, spring forward", "CRON_TZ=America/New_York 0 6 * * *", "2026-03-06T12:00:00+01:00", "3",
			[]string{"2026-03-07T06:00:00-05:00  Sat", "2026-03-08T06:00:00-04:00  Sun", "2026-03-09T06:00:00-04:00  Mon"}},
		{"new york, fall back", "TZ=America/New_York 0 6 * * *", "2026-10-30T22:00:00+05:30", "3",
			[]string{"2026-10-31T06:00:00-04:00  Sat", "2026-11-01T06:00:00-05:00  Sun", "2026-11-02T06:00:00-05:00  Mon"}},
		// 01:30 happens twice in New York on 2026-11-01: a fixed-time spec
		// fires at the first, one with a wildcard hour at both.
		{"new york, repeated hour", "CRON_TZ=America/New_York 30 1 * * *", "2026-10-31T12:00:00Z", "2",
			[]string{"2026-11-01T01:30:00-04:00  Sun", "2026-11-02T01:30:00-05:00  Mon"}},
		{"new york, repeated hour, every hour", "CRON_TZ=America/New_York 30 * * * *", "2026-11-01T05:00:00Z", "3",
			[]string{"2026-11-01T01:30:00-04:00  Sun", "2026-11-01T01:30:00-05:00  Sun", "2026-11-01T02:30:00-05:00  Sun"}},
		// Monday 06:00 in Tokyo is Sunday 21:00 UTC: the weekday is Tokyo's.
		{"tokyo weekday, now in UTC", "CRON_TZ=Asia/Tokyo 0 6 * * 1", "2026-11-24T12:00:00Z", "1",
			[]string{"2026-11-30T06:00:00+09:00  Mon"}},
		{"no zone, now in UTC", "0 6 * * *", "2026-11-24T12:00:00Z", "1",
			[]string{"2026-11-25T06:00:00Z  Wed"}},
		{"no zone, now at New York's offset", "0 6 * * *", "2026-11-24T12:00:00-05:00", "1",
			[]string{"2026-11-25T06:00:00-05:00  Wed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "refit.yaml")
			cfg := "data: {source: data, time_column: ts}\ntrain: {label: y, features: [x]}\nworkspace: ws\n" +
				"schedules:\n  - {name: s, cron: \"" + tt.cron + "\", job: run}\n"
			if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), []string{"schedule", "next", "--config", path, "--count", tt.count, "--now", tt.now}, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			var got []string
			for _, l := range lines[1:] {
				got = append(got, strings.TrimSpace(l))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("fire times:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
