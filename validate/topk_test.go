package validate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

func TestNthLargest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		v := make([]int64, 1+rng.IntN(300))
		for i := range v {
			v[i] = int64(rng.IntN(1 + rng.IntN(20)))
		}
		n := rng.IntN(len(v))
		want := slices.Clone(v)
		slices.Sort(want)
		slices.Reverse(want)
		if got := nthLargest(v, n); got != want[n] {
			t.Fatalf("nthLargest(%v, %d) = %d, want %d", want, n, got, want[n])
		}
	}
}

func TestTopKLongValuesTruncated(t *testing.T) {
	long := strings.Repeat("x", 1000)
	r := column(t, arrow.BinaryTypes.String, `["`+long+`", "`+long+`y", "`+long+`"]`)
	eq(t, "distinct", r.Distinct, int64(2)) // counted by full hash
	eq(t, "top", r.TopK[0], ValueCount{long[:MaxKeptValue], 2})
	eq(t, "max length", r.Lengths.Max, int64(1001))
}
