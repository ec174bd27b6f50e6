package numfmt

import "testing"

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234", -999: "-999", -100000: "-100,000"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB",
		5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB", 1<<40 + 1<<39: "1.5 TiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		pct    float64
		digits int
		want   string
	}{{3.125, 3, "3.12%"}, {0.0312 * 100, 4, "3.12%"}, {100, 3, "100%"}, {0, 4, "0%"}, {12.3456, 4, "12.35%"}} {
		if got := Percent(tc.pct, tc.digits); got != tc.want {
			t.Errorf("Percent(%g, %d) = %q, want %q", tc.pct, tc.digits, got, tc.want)
		}
	}
}

func TestValue(t *testing.T) {
	for in, want := range map[string]string{"-513.2855069134239": "-513.2855", "0.30000000000000004": "0.3", "1.5": "1.5",
		"12345678901": "12345678901", "SEA": "SEA", "null": "null", "2024-05-01T00:00:00Z": "2024-05-01T00:00:00Z",
		"1.234567890123e+20": "1.234568e+20", "Infinity.x": "Infinity.x"} {
		if got := Value(in); got != want {
			t.Errorf("Value(%q) = %q, want %q", in, got, want)
		}
	}
}
