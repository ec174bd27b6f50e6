package textout

import (
	"strconv"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
)

// Count formats a row count with thousands separators; a negative count
// (unknown) is "?".
func Count(n int64) string {
	if n < 0 {
		return "?"
	}
	return numfmt.Count(n)
}

// Percent formats part of whole as a percentage with two decimals; a
// whole of zero is "0%".
func Percent(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 2, 64) + "%"
}

// TrimLines removes the padding tabwriter leaves at line ends, and ends
// every line with a newline.
func TrimLines(s string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		b.WriteString(strings.TrimRight(line, " \n"))
		b.WriteByte('\n')
	}
	return b.String()
}
