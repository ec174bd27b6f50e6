package expect

import (
	"testing"
	"time"

	"github.com/refit-ml/refit/validate/internal/vtest"
)

// TestDurationText checks the durations of freshness messages: whole zero
// units are dropped ("1h0m0s" is "1h"), other digits never are.
func TestDurationText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{10 * time.Second, "10s"},
		{30 * time.Second, "30s"},
		{59 * time.Second, "59s"},
		{1500 * time.Millisecond, "2s"},
		{time.Minute, "1m"},
		{2 * time.Minute, "2m"},
		{10 * time.Minute, "10m"},
		{90 * time.Second, "1m30s"},
		{10*time.Minute + 10*time.Second, "10m10s"},
		{time.Hour, "1h"},
		{10 * time.Hour, "10h"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + 30*time.Second, "1h0m30s"},
		{time.Hour + 10*time.Minute + 20*time.Second, "1h10m20s"},
		{36 * time.Hour, "36h"},
		{-10 * time.Second, "-10s"},
		{-2 * time.Hour, "-2h"},
		{72 * time.Hour, "3.0 days"},
		{-8279 * 24 * time.Hour, "-8279.0 days"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			vtest.Eq(t, "text", durationText(tt.d), tt.want)
		})
	}
}
