package dashboard

import (
	"math"
	"strconv"

	"github.com/refit-ml/refit/internal/numfmt"
)

// numText formats a metric for people: 4 significant digits, counts with
// separators.
func numText(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'f', -1, 64)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return numfmt.Count(int64(v))
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// signed is a difference with its sign: "+0.0123", "-2".
func signed(d float64) string {
	s := numText(d)
	if d > 0 {
		return "+" + s
	}
	return s
}

func nan() float64 { return math.NaN() }
