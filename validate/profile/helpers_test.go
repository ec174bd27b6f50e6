package profile

import (
	"sort"
)

// rankError returns how far (as a fraction of n) the reported value v is
// from rank p·n in sorted data: 0 when p·n lies between the number of values
// below v and the number at or below v.
func rankError(sorted []float64, p, v float64) float64 {
	n := float64(len(sorted))
	lo := float64(sort.SearchFloat64s(sorted, v))
	hi := float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > v }))
	target := p * n
	switch {
	case target < lo:
		return (lo - target) / n
	case target > hi:
		return (target - hi) / n
	}
	return 0
}
