// Package numfmt formats numbers for people, the same way in every report,
// finding and log line.
package numfmt

import "strconv"

// Count formats n with thousands separators: 1234567 is "1,234,567",
// -1234 is "-1,234".
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
