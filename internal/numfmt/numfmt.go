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

// Bytes formats a size in binary units with one decimal: 512 is "512 B",
// 1536 is "1.5 KiB", 3<<30 is "3.0 GiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return strconv.FormatFloat(float64(n)/float64(div), 'f', 1, 64) + " " + string("KMGTPE"[exp]) + "iB"
}

// Percent formats a percentage (already multiplied by 100) with up to
// digits significant digits: Percent(3.125, 3) is "3.12%".
func Percent(pct float64, digits int) string {
	return strconv.FormatFloat(pct, 'g', digits, 64) + "%"
}
