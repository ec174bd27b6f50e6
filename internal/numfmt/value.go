package numfmt

import (
	"strconv"
	"strings"
)

// Value shortens a data value for people: a decimal number with more than
// 7 significant digits ("-513.2855069134239") becomes 7 ("-513.2855");
// anything else (text, integers, short decimals) is returned as is.
func Value(s string) string {
	if !strings.ContainsAny(s, ".eE") || len(s) <= 9 {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	short := strconv.FormatFloat(v, 'g', 7, 64)
	if len(short) >= len(s) {
		return s
	}
	return short
}
