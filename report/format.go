package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/refit-ml/refit/internal/numfmt"
	"github.com/refit-ml/refit/validate/expect"
)

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// num formats a statistic compactly: 4 significant digits.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return numfmt.Count(int64(v))
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func pct(part, whole int64) string {
	if whole == 0 {
		return "0%"
	}
	return numfmt.Percent(100*float64(part)/float64(whole), 3)
}

// examplesText lists examples as "a.parquet:4: 1000; a.parquet:9: x"
// ("row 4: 1000" when the file is unknown).
func examplesText(ex []expect.Example) string {
	parts := make([]string, len(ex))
	for i, e := range ex {
		parts[i] = e.Place() + ": " + numfmt.Value(e.Value)
	}
	return strings.Join(parts, "; ")
}

// subject names what a finding is about: its column or rule.
func subject(f expect.Finding) string {
	switch {
	case f.Rule != "":
		return f.Rule
	case f.Column != "":
		return f.Column
	}
	return "(table)"
}
